package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/parleytest/redistest"
)

// TestTwoNodesShareRoomsThroughRedis boots two nodes on one SQLite file
// and one Redis, as two processes of a cluster would be, connects a user to
// each, and checks that a message sent on node 1 reaches the socket on
// node 2 exactly once, and that the assistant answers a mention once.
// It runs once per adapter PARLEY_REDIS_ADAPTER offers.
func TestTwoNodesShareRoomsThroughRedis(t *testing.T) {
	for _, kind := range []string{"classic", "sharded", "streams"} {
		t.Run(kind, func(t *testing.T) { testTwoNodes(t, kind) })
	}
}

func testTwoNodes(t *testing.T, adapter string) {
	url := redistest.URL(t)
	dir := t.TempDir()
	prefix := "parley-test-" + parley.NewID() // other runs on this Redis must not hear us
	var nodes []*node
	for range 2 {
		cfg := testConfig(t, dir)
		cfg.RedisURL = url
		cfg.RedisPrefix = prefix
		cfg.RedisAdapter = adapter
		cfg.PingInterval = time.Second // polls return at least this often
		n := boot(t, cfg)
		if status, body := n.do("GET", "/readyz", "", ""); status != http.StatusOK {
			t.Fatalf("/readyz with Redis up: %d %s", status, body)
		}
		nodes = append(nodes, n)
	}
	alice := nodes[0].poller(nodes[0].register("alice"))
	bob := nodes[1].poller(nodes[1].register("bob"))
	// An answered event means the connection handler has run, so the
	// socket is in its rooms and its handlers listen.
	alice.call("history", map[string]any{"room": parley.DefaultRoomID})
	bob.call("history", map[string]any{"room": parley.DefaultRoomID})

	ack := alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "hello from node 1", "clientMsgId": "c1"})
	if ok, _ := ack["ok"].(bool); !ok {
		t.Fatalf("send on node 1: %v", ack)
	}
	// A second message marks the end: the adapter keeps one publisher's
	// order, so a duplicate of the first would arrive before it.
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "done", "clientMsgId": "c2"})
	got := bob.messagesUntil("done", 15*time.Second)
	n := 0
	for _, text := range got {
		if text == "hello from node 1" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("node 2's socket got the message %d times (messages %q), want exactly once", n, got)
	}
	// Not only the text: node 2's socket gets the very object node 1 acked.
	for _, e := range bob.events {
		var m map[string]any
		if e.name != "message" || json.Unmarshal(e.payload, &m) != nil || m["text"] != "hello from node 1" {
			continue
		}
		if !reflect.DeepEqual(m, ack["message"]) {
			t.Errorf("node 2's socket got\n%s\nnode 1 acked\n%v", e.payload, ack["message"])
		}
	}

	// Both nodes run an assistant; only the node that accepted a mention
	// answers it. The second question marks the end: one worker answers
	// one user's questions in order.
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant time", "clientMsgId": "c3"})
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant learn x => y", "clientMsgId": "c4"})
	answers := 0
	got = bob.messagesUntil("@alice Shall I remember that the answer to “x” is “y”? (yes/no)", 15*time.Second)
	for _, text := range got {
		if strings.HasPrefix(text, "@alice It is ") {
			answers++
		}
	}
	if answers != 1 {
		t.Fatalf("the assistant answered one question %d times across two nodes (messages %q)", answers, got)
	}
}

// TestKickReachesEveryNode: each node remembers the memberships it has
// read, so a kick on node 1 must make node 2 forget carol's at once (its
// own memory would last 30 s): her next send through node 2 is refused.
func TestKickReachesEveryNode(t *testing.T) {
	url := redistest.URL(t)
	dir := t.TempDir()
	prefix := "parley-test-" + parley.NewID()
	var nodes []*node
	for range 2 {
		cfg := testConfig(t, dir)
		cfg.RedisURL = url
		cfg.RedisPrefix = prefix
		cfg.PingInterval = time.Second
		nodes = append(nodes, boot(t, cfg))
	}
	bobToken := nodes[0].register("bob")
	carol := nodes[1].poller(nodes[1].register("carol"))
	status, body := nodes[0].do("POST", "/api/rooms", bobToken, `{"name":"Planning"}`)
	if status != http.StatusCreated {
		t.Fatalf("create room: %d %s", status, body)
	}
	var created struct {
		Room struct {
			ID string `json:"id"`
		} `json:"room"`
	}
	room := &created.Room
	if err := json.Unmarshal([]byte(body), &created); err != nil || room.ID == "" {
		t.Fatalf("created room %s: %v", body, err)
	}
	if ack := carol.call("room:join", map[string]any{"room": room.ID}); ack["ok"] != true {
		t.Fatalf("carol joins on node 2: %v", ack)
	}
	if ack := carol.call("message:send", map[string]any{"room": room.ID, "text": "hi", "clientMsgId": "k1"}); ack["ok"] != true {
		t.Fatalf("carol's send on node 2: %v", ack)
	}
	bob := nodes[0].poller(bobToken)
	if ack := bob.call("room:kick", map[string]any{"room": room.ID, "user": "carol"}); ack["ok"] != true {
		t.Fatalf("bob kicks carol on node 1: %v", ack)
	}
	// The notice is published before the kick is acknowledged, and node 2
	// applies it as it arrives; allow for that hop, far below 30 s.
	deadline := time.Now().Add(5 * time.Second)
	for i := 2; ; i++ {
		ack := carol.call("message:send", map[string]any{"room": room.ID, "text": "still here?", "clientMsgId": "k" + strconv.Itoa(i)})
		if ack["ok"] == false {
			e, _ := ack["error"].(map[string]any)
			if e["code"] != string(parley.CodeForbidden) {
				t.Fatalf("carol's send after the kick: %v, want FORBIDDEN", ack)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node 2 still accepts carol's messages 5 s after the kick: %v", ack)
		}
		time.Sleep(100 * time.Millisecond) // within her send rate
	}
}

// TestReadyzReportsRedis: a node whose Redis does not answer serves, but
// is not ready.
func TestReadyzReportsRedis(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.RedisURL = "redis://127.0.0.1:1/0" // nothing listens there
	cfg.ShutdownTimeout = 3 * time.Second
	n := boot(t, cfg)
	if status, _ := n.do("GET", "/healthz", "", ""); status != http.StatusOK {
		t.Errorf("/healthz: %d", status)
	}
	if status, body := n.do("GET", "/readyz", "", ""); status != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("/readyz with Redis down: %d %s, want 503 naming redis", status, body)
	}
	start := time.Now()
	if err := n.stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown with Redis down took %v", took)
	}
}

// TestWaitsForMongoDB: with its MongoDB out of reach a node listens,
// answers /healthz, says 503 on /readyz and the API, keeps retrying, and
// stops cleanly when told to.
func TestWaitsForMongoDB(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MongoURI = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100&connectTimeoutMS=100"
	logs := &logBuffer{}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer cancel()
	addr := m.ListenAddr()
	if addr == "" {
		t.Fatalf("the node did not listen: %v\n%s", <-done, logs)
	}
	n := &node{t: t, base: "http://" + addr, client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}}
	defer n.client.Transport.(*http.Transport).CloseIdleConnections()
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/healthz", http.StatusOK},
		{"GET", "/readyz", http.StatusServiceUnavailable},
		{"POST", "/api/auth/register", http.StatusServiceUnavailable},
	} {
		if status, body := n.do(c.method, c.path, "", ""); status != c.want {
			t.Errorf("%s %s while waiting for MongoDB: %d %s, want %d", c.method, c.path, status, body, c.want)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(logs.String(), "store not reachable yet") < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "store not reachable yet") {
		t.Errorf("no retry was logged:\n%s", logs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run stopped while waiting = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// poller is a Socket.IO client over Engine.IO v4 long-polling, enough to
// emit events with acks and collect what the server sends.
type poller struct {
	n      *node
	token  string
	sid    string
	sent   int // packets posted on this sid
	nextID int
	events []event
}

type event struct {
	name    string
	payload json.RawMessage
}

func (n *node) poller(token string) *poller {
	return &poller{n: n, token: token, sid: n.socketIOConnect(token)}
}

func (p *poller) path() string { return "/socket.io/?EIO=4&transport=polling&sid=" + p.sid }

func (p *poller) post(packet string) {
	p.n.t.Helper()
	status, body := p.n.do("POST", p.path(), "", packet)
	if status == http.StatusTooManyRequests && p.sent == 0 {
		// The socket.io library (v3.0.6) writes CONNECT before it files the
		// socket under its namespace; a first packet that lands in between
		// is "invalid state" and closes the connection, which answers the
		// POST 429. socket.io-client reconnects then; so does this client.
		p.sid = p.n.socketIOConnect(p.token)
		status, body = p.n.do("POST", p.path(), "", packet)
	}
	if status != http.StatusOK {
		p.n.t.Fatalf("post %q: %d %s", packet, status, body)
	}
	p.sent++
}

// poll makes one long-poll and returns its packets, answering pings.
func (p *poller) poll() []string {
	p.n.t.Helper()
	status, body := p.n.do("GET", p.path(), "", "")
	if status != http.StatusOK {
		p.n.t.Fatalf("poll: %d %s", status, body)
	}
	packets := strings.Split(body, "\x1e")
	for _, pk := range packets {
		if pk == "2" {
			p.post("3")
		}
	}
	return packets
}

// call emits event with an ack and returns the ack's payload, keeping the
// events that arrive meanwhile.
func (p *poller) call(name string, payload any) map[string]any {
	p.n.t.Helper()
	p.nextID++
	id := strconv.Itoa(p.nextID)
	frame, _ := json.Marshal([]any{name, payload})
	p.post("42" + id + string(frame))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var got map[string]any
		// Events that came in the same poll as the ack (a message's fan-out
		// follows its ack at once) are kept too.
		for _, pk := range p.poll() {
			if ack, ok := strings.CutPrefix(pk, "43"+id+"["); ok {
				var args []map[string]any
				if err := json.Unmarshal([]byte("["+ack), &args); err != nil || len(args) == 0 {
					p.n.t.Fatalf("ack %q: %v", pk, err)
				}
				got = args[0]
				continue
			}
			p.keep(pk)
		}
		if got != nil {
			return got
		}
	}
	p.n.t.Fatalf("no ack for %s within 15s", name)
	return nil
}

func (p *poller) keep(pk string) {
	rest, ok := strings.CutPrefix(pk, "42")
	if !ok {
		return
	}
	var args []json.RawMessage
	if json.Unmarshal([]byte(rest), &args) != nil || len(args) < 2 {
		return
	}
	var name string
	_ = json.Unmarshal(args[0], &name)
	p.events = append(p.events, event{name: name, payload: args[1]})
}

// messagesUntil returns the texts of the "message" events received, in
// order, up to and including one whose text is last.
func (p *poller) messagesUntil(last string, timeout time.Duration) []string {
	p.n.t.Helper()
	var texts []string
	seen := 0
	deadline := time.Now().Add(timeout)
	for {
		for ; seen < len(p.events); seen++ {
			e := p.events[seen]
			if e.name != "message" {
				continue
			}
			// Exact keys: a lenient struct decode once hid a cluster that
			// sent Go field names ("Text") across nodes.
			var m map[string]any
			_ = json.Unmarshal(e.payload, &m)
			text, _ := m["text"].(string)
			texts = append(texts, text)
			if text == last {
				return texts
			}
		}
		if time.Now().After(deadline) {
			p.n.t.Fatalf("no message %q within %v; got %q", last, timeout, texts)
		}
		for _, pk := range p.poll() {
			p.keep(pk)
		}
	}
}

// close ends the socket as a client closing its tab would: a Socket.IO
// disconnect, then the Engine.IO close.
func (p *poller) close() {
	p.n.t.Helper()
	p.post("41\x1e1")
}

// drain keeps polling for d, keeping the events that arrive.
func (p *poller) drain(d time.Duration) {
	p.n.t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		for _, pk := range p.poll() {
			p.keep(pk)
		}
	}
}

// presenceOf returns the presence events received about username, decoded
// with their exact keys.
func (p *poller) presenceOf(username string) []map[string]any {
	var out []map[string]any
	for _, e := range p.events {
		var m map[string]any
		if e.name != "presence" || json.Unmarshal(e.payload, &m) != nil {
			continue
		}
		if u, _ := m["user"].(map[string]any); u["username"] == username {
			out = append(out, m)
		}
	}
	return out
}

// onlineIn returns username's online flag in the member list of room:join
// as p's node serves it.
func (p *poller) onlineIn(room, username string) any {
	p.n.t.Helper()
	ack := p.call("room:join", map[string]any{"room": room})
	members, _ := ack["members"].([]any)
	for _, m := range members {
		if m, _ := m.(map[string]any); m["username"] == username {
			return m["online"]
		}
	}
	p.n.t.Fatalf("%s is not in %s's member list: %v", username, room, ack)
	return nil
}

// TestPresenceAcrossNodes: presence is the cluster's. A user connected only
// to node B is online in the member list node A serves; a user with a
// laptop on A and a phone on B is announced online once, stays online when
// one of the two closes, and is announced offline once, after the grace,
// when the other closes.
func TestPresenceAcrossNodes(t *testing.T) {
	url := redistest.URL(t)
	dir := t.TempDir()
	prefix := "parley-test-" + parley.NewID()
	const grace = 300 * time.Millisecond
	var nodes []*node
	for range 2 {
		cfg := testConfig(t, dir)
		cfg.RedisURL = url
		cfg.RedisPrefix = prefix
		cfg.PingInterval = time.Second // polls return at least this often
		cfg.PresenceGrace = grace
		nodes = append(nodes, boot(t, cfg))
	}
	a, b := nodes[0], nodes[1]
	watcher := a.poller(a.register("watcher"))
	carolToken := b.register("carol")
	status, body := a.do("GET", "/api/me", carolToken, "")
	var me map[string]map[string]any
	if status != http.StatusOK || json.Unmarshal([]byte(body), &me) != nil {
		t.Fatalf("/api/me: %d %s", status, body)
	}
	carolUser := map[string]any{}
	for _, k := range []string{"id", "username", "displayName", "kind"} {
		carolUser[k] = me["user"][k]
	}
	if got := watcher.onlineIn(parley.DefaultRoomID, "carol"); got != false {
		t.Fatalf("carol, never connected, is online=%v in node A's member list", got)
	}

	phone := b.poller(carolToken)
	phone.call("history", map[string]any{"room": parley.DefaultRoomID}) // connected and set up
	if got := watcher.onlineIn(parley.DefaultRoomID, "carol"); got != true {
		t.Errorf("carol, connected to node B only, is online=%v in node A's member list", got)
	}
	laptop := a.poller(carolToken)
	laptop.call("history", map[string]any{"room": parley.DefaultRoomID})
	watcher.drain(time.Second)
	want := []map[string]any{{"user": carolUser, "online": true}}
	if got := watcher.presenceOf("carol"); !reflect.DeepEqual(got, want) {
		t.Errorf("presence events about carol after her phone (B) and laptop (A) connected:\n%v\nwant %v", got, want)
	}

	phone.close()
	watcher.drain(4 * grace)
	if got := watcher.presenceOf("carol"); len(got) != 1 {
		t.Errorf("carol's phone closed, her laptop is still on: presence events %v, want only the first online", got)
	}
	if got := b.poller(b.register("other")).onlineIn(parley.DefaultRoomID, "carol"); got != true {
		t.Errorf("carol (laptop on A) is online=%v in node B's member list", got)
	}

	laptop.close()
	want = append(want, map[string]any{"user": carolUser, "online": false})
	deadline := time.Now().Add(10 * time.Second)
	for len(watcher.presenceOf("carol")) < 2 && time.Now().Before(deadline) {
		watcher.drain(grace)
	}
	watcher.drain(4 * grace) // a second announcement would come meanwhile
	if got := watcher.presenceOf("carol"); !reflect.DeepEqual(got, want) {
		t.Errorf("presence events about carol after both sockets closed:\n%v\nwant %v", got, want)
	}
	if got := watcher.onlineIn(parley.DefaultRoomID, "carol"); got != false {
		t.Errorf("carol, gone from both nodes, is online=%v in node A's member list", got)
	}
}

// twoNodes boots two nodes on one SQLite file and one Redis (a prefix of
// their own), as two processes of a cluster would be.
func twoNodes(t *testing.T, tweak func(*Config)) []*node {
	t.Helper()
	url := redistest.URL(t)
	dir := t.TempDir()
	prefix := "parley-test-" + parley.NewID()
	var nodes []*node
	for range 2 {
		cfg := testConfig(t, dir)
		cfg.RedisURL = url
		cfg.RedisPrefix = prefix
		cfg.PingInterval = time.Second // polls return at least this often
		if tweak != nil {
			tweak(&cfg)
		}
		nodes = append(nodes, boot(t, cfg))
	}
	return nodes
}

// createRoom makes a public group room through REST and returns its id.
func (n *node) createRoom(token, name string) string {
	n.t.Helper()
	status, body := n.do("POST", "/api/rooms", token, `{"name":"`+name+`"}`)
	if status != http.StatusCreated {
		n.t.Fatalf("create room: %d %s", status, body)
	}
	var created map[string]any
	_ = json.Unmarshal([]byte(body), &created)
	room, _ := created["room"].(map[string]any)
	id, _ := room["id"].(string)
	if id == "" {
		n.t.Fatalf("created room %s", body)
	}
	return id
}

func mustAck(t *testing.T, what string, ack map[string]any) {
	t.Helper()
	if ack["ok"] != true {
		t.Fatalf("%s: %v", what, ack)
	}
}

// TestMembershipChangesReachEverySocket: carol has a socket on each node.
// Once a join is acknowledged, both receive the room's next message; once
// a kick or a leave is, neither receives another. A message to a room she
// is still in, sent after, marks the end of what could have arrived: one
// node publishes both in order, and Redis keeps one publisher's order.
func TestMembershipChangesReachEverySocket(t *testing.T) {
	nodes := twoNodes(t, nil)
	a, b := nodes[0], nodes[1]
	bobToken, carolToken := a.register("bob"), a.register("carol")
	room := a.createRoom(bobToken, "Planning")
	bob := a.poller(bobToken)
	carolA, carolB := a.poller(carolToken), b.poller(carolToken)
	for _, p := range []*poller{bob, carolA, carolB} {
		p.call("history", map[string]any{"room": parley.DefaultRoomID}) // connected, in its rooms
	}
	sent := 0
	// say sends text to the room as bob and returns once bob's own socket
	// got it back: by then node A has published it.
	say := func(room, text string) {
		t.Helper()
		sent++
		mustAck(t, "bob sends "+text, bob.call("message:send", map[string]any{"room": room, "text": text, "clientMsgId": "b" + strconv.Itoa(sent)}))
		bob.messagesUntil(text, 15*time.Second)
	}
	// neither checks that text never reached carol's sockets, up to marker.
	neither := func(text, marker string) {
		t.Helper()
		say(parley.DefaultRoomID, marker)
		for i, p := range []*poller{carolA, carolB} {
			for _, got := range p.messagesUntil(marker, 15*time.Second) {
				if got == text {
					t.Errorf("carol's socket on node %c received %q after she was out of the room", "AB"[i], text)
				}
			}
		}
	}

	mustAck(t, "carol joins on node A", carolA.call("room:join", map[string]any{"room": room}))
	say(room, "first")
	carolA.messagesUntil("first", 15*time.Second)
	carolB.messagesUntil("first", 15*time.Second)

	mustAck(t, "bob kicks carol", bob.call("room:kick", map[string]any{"room": room, "user": "carol"}))
	say(room, "after the kick")
	neither("after the kick", "marker 1")

	mustAck(t, "carol joins again on node A", carolA.call("room:join", map[string]any{"room": room}))
	say(room, "welcome back")
	carolB.messagesUntil("welcome back", 15*time.Second)
	carolA.messagesUntil("welcome back", 15*time.Second)

	mustAck(t, "carol leaves on node B", carolB.call("room:leave", map[string]any{"room": room}))
	say(room, "after the leave")
	neither("after the leave", "marker 2")
}

// TestSendLimitIsClusterWide: the per-user send limit is the cluster's,
// not each node's: a user sending alternately through two nodes is refused
// after the burst, not after twice the burst.
func TestSendLimitIsClusterWide(t *testing.T) {
	nodes := twoNodes(t, func(c *Config) {
		c.SendBurst = 5
		c.SendRate = 0.001 // nothing comes back within the test
	})
	token := nodes[0].register("carol")
	carol := []*poller{nodes[0].poller(token), nodes[1].poller(token)}
	var codes []string
	for i := range 12 {
		ack := carol[i%2].call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "hi " + strconv.Itoa(i), "clientMsgId": "r" + strconv.Itoa(i)})
		if ack["ok"] == true {
			codes = append(codes, "ok")
			continue
		}
		e, _ := ack["error"].(map[string]any)
		code, _ := e["code"].(string)
		codes = append(codes, code)
	}
	want := []string{"ok", "ok", "ok", "ok", "ok"}
	for len(want) < 12 {
		want = append(want, string(parley.CodeRateLimited))
	}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("carol's 12 sends alternating between two nodes answered %v, want %v", codes, want)
	}
}
