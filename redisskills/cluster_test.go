package redisskills_test

import (
	"context"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/redisskills"
)

// node is one cluster member: its own Redis connection, its local
// registry and its view of the cluster.
type node struct {
	id      string
	client  *goredis.Client
	local   *assistant.Remotes
	cluster *redisskills.Cluster
}

func newNode(t *testing.T, url, prefix string, ttl time.Duration) *node {
	t.Helper()
	return newNodeNamed(t, url, prefix, ttl, parley.NewID())
}

func newNodeNamed(t *testing.T, url, prefix string, ttl time.Duration, id string) *node {
	t.Helper()
	opts, _ := goredis.ParseURL(url)
	n := &node{id: id, client: goredis.NewClient(opts), local: assistant.NewRemotes(func() int64 { return 7 })}
	n.cluster = redisskills.New(redisskills.Config{Client: n.client, Prefix: prefix, NodeID: n.id, Local: n.local, TTL: ttl, Now: func() time.Time { return time.UnixMilli(7) }})
	t.Cleanup(func() {
		n.cluster.Close()
		_ = n.client.Close()
	})
	return n
}

// crash ends the node as a killed process would: its connections close,
// nothing is taken out of the registry, its heartbeat stops.
func (n *node) crash() { _ = n.client.Close() }

func prefix() string { return "parley-test-" + parley.NewID() }

var (
	weather  = parley.User{ID: "svc-weather", Username: "weather", Kind: parley.KindService}
	impostor = parley.User{ID: "svc-impostor", Username: "impostor", Kind: parley.KindService}
)

// echo answers like a service: "<content> from <service>", counting calls.
func echo(service string, calls *atomic.Int32) assistant.AskFunc {
	return func(_ context.Context, m protocol.SkillMessage) (protocol.SkillMessage, error) {
		calls.Add(1)
		return protocol.SkillMessage{From: service, To: m.From, Subject: m.Subject, Content: m.Content + " from " + service, Type: protocol.SkillReply}, nil
	}
}

func names(t *testing.T, c *redisskills.Cluster) []string {
	t.Helper()
	skills, err := c.Skills(context.Background())
	if err != nil {
		t.Fatalf("Skills: %v", err)
	}
	out := []string{}
	for _, s := range skills {
		out = append(out, s.Name())
	}
	return out
}

func find(t *testing.T, c *redisskills.Cluster, name string) assistant.Skill {
	t.Helper()
	skills, err := c.Skills(context.Background())
	if err != nil {
		t.Fatalf("Skills: %v", err)
	}
	for _, s := range skills {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no skill %q among %v", name, names(t, c))
	return nil
}

func ask(s assistant.Skill, content string) (string, error) {
	return askWithin(s, content, 5*time.Second)
}

// askWithin is ask with a deadline of its own.
func askWithin(s assistant.Skill, content string, within time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	req := &assistant.Request{
		Msg:  assistant.Incoming{Sender: parley.User{Username: "alice"}},
		Room: &parley.Room{ID: "general"}, Lang: "en",
	}
	return s.Handle(ctx, req, content, nil)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// A skill offered on one node is listed and answered on another, once,
// with the request the asking node built.
func TestASkillOfferedOnOneNodeAnswersAnother(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	a, b := newNode(t, url, p, 3*time.Second), newNode(t, url, p, 3*time.Second)
	var got []protocol.SkillMessage
	var calls atomic.Int32
	_, err := b.cluster.Register(assistant.RemoteSkill{Name: "Weather", Aliases: []string{"forecast"}, Description: map[string]string{"en": "the weather"}, Slots: []assistant.Slot{{Name: "city"}}},
		weather, func(ctx context.Context, m protocol.SkillMessage) (protocol.SkillMessage, error) {
			got = append(got, m)
			return echo("weather", &calls)(ctx, m)
		})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, a.cluster); !slices.Equal(got, []string{"weather"}) {
		t.Fatalf("node A lists %v, want [weather]", got)
	}
	s := find(t, a.cluster, "weather")
	if s.Describe("en") != "the weather" || len(s.Slots()) != 1 || s.Slots()[0].Name != "city" {
		t.Errorf("node A sees %q and slots %v, want the spec node B registered", s.Describe("en"), s.Slots())
	}
	if args, ok := s.Match(&assistant.Request{Text: "forecast for Paris"}); !ok || args != "Paris" {
		t.Errorf("the alias does not match on node A: %q %v", args, ok)
	}
	ans, err := ask(s, "Paris")
	if err != nil || ans != "Paris from weather" {
		t.Fatalf("asked on node A: %q, %v", ans, err)
	}
	want := protocol.SkillMessage{From: "alice", To: "weather", Subject: "weather", Content: "Paris", Type: protocol.SkillRequest, CreateTime: 7, Room: "general", Lang: "en"}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("the service got %+v, want once %+v", got, want)
	}
	// Node B asks its own service directly, not through Redis.
	if ans, err := ask(find(t, b.cluster, "weather"), "Oslo"); err != nil || ans != "Oslo from weather" {
		t.Fatalf("asked on node B: %q, %v", ans, err)
	}
	if calls.Load() != 2 {
		t.Errorf("the service was called %d times for two questions", calls.Load())
	}
}

// Names and aliases are claimed cluster-wide: another service cannot take
// one on another node, the same service can (a second instance).
func TestNamesAndAliasesAreClaimedAcrossNodes(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	a, b := newNode(t, url, p, 3*time.Second), newNode(t, url, p, 3*time.Second)
	var calls atomic.Int32
	unregister, err := b.cluster.Register(assistant.RemoteSkill{Name: "weather", Aliases: []string{"forecast"}}, weather, echo("weather", &calls))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []assistant.RemoteSkill{{Name: "weather"}, {Name: "forecast"}, {Name: "meteo", Aliases: []string{"Forecast"}}} {
		if _, err := a.cluster.Register(s, impostor, echo("impostor", &calls)); parley.CodeOf(err) != parley.CodeConflict {
			t.Errorf("another service on node A took %+v: %v, want CONFLICT", s, err)
		}
	}
	if _, err := a.cluster.Register(assistant.RemoteSkill{Name: "help"}, impostor, echo("impostor", &calls)); parley.CodeOf(err) != parley.CodeBadRequest {
		t.Errorf("a built-in command as a skill: %v, want BAD_REQUEST", err)
	}
	// A second instance of the same service, on node A: A asks its own.
	if _, err := a.cluster.Register(assistant.RemoteSkill{Name: "weather", Aliases: []string{"forecast"}}, weather, echo("weather-a", &calls)); err != nil {
		t.Fatalf("the same service on a second node: %v", err)
	}
	if ans, err := ask(find(t, a.cluster, "weather"), "Rome"); err != nil || ans != "Rome from weather-a" {
		t.Errorf("node A with its own instance: %q, %v", ans, err)
	}
	if got := names(t, a.cluster); !slices.Equal(got, []string{"weather"}) {
		t.Errorf("node A lists %v, want weather once", got)
	}
	// Once node B's instance is gone, node B asks node A's, and the name
	// is still not free for another service.
	unregister()
	if _, err := b.cluster.Register(assistant.RemoteSkill{Name: "weather"}, impostor, echo("impostor", &calls)); parley.CodeOf(err) != parley.CodeConflict {
		t.Errorf("another service took weather on node B while node A offers it: %v", err)
	}
	if ans, err := ask(find(t, b.cluster, "weather"), "Rome"); err != nil || ans != "Rome from weather-a" {
		t.Errorf("node B after its instance left: %q, %v; want node A's instance", ans, err)
	}
}

// A service that leaves its node leaves the cluster at once; a node that
// closes takes its skills along.
func TestLeavingTakesTheSkillAwayEverywhere(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	a, b := newNode(t, url, p, 3*time.Second), newNode(t, url, p, 3*time.Second)
	var calls atomic.Int32
	unregister, err := b.cluster.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather", &calls))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.cluster.Register(assistant.RemoteSkill{Name: "stocks"}, weather, echo("weather", &calls)); err != nil {
		t.Fatal(err)
	}
	if got := names(t, a.cluster); !slices.Equal(got, []string{"stocks", "weather"}) {
		t.Fatalf("node A lists %v", got)
	}
	unregister()
	// The release runs off the disconnect handler's goroutine: a moment.
	waitFor(t, "weather gone from node A", 5*time.Second, func() bool { return slices.Equal(names(t, a.cluster), []string{"stocks"}) })
	b.cluster.Close()
	if got := names(t, a.cluster); len(got) != 0 {
		t.Errorf("node A lists %v after node B closed, want nothing", got)
	}
}

// A node that dies without a word: a question already routed to it gets
// UNAVAILABLE at once (nobody reads its channel), and its skills leave
// every list within the TTL.
func TestADeadNodesSkillsExpire(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	const ttl = 2 * time.Second
	a, b := newNode(t, url, p, ttl), newNode(t, url, p, ttl)
	var calls atomic.Int32
	if _, err := b.cluster.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather", &calls)); err != nil {
		t.Fatal(err)
	}
	s := find(t, a.cluster, "weather")
	b.crash()
	died := time.Now()
	// Redis drops a closed connection's subscriptions as it notices the
	// close; until then a request waits for its deadline, so each try has
	// a short one, and a loaded machine gets several tries.
	waitFor(t, "a question to the dead node failing fast", 10*time.Second, func() bool {
		start := time.Now()
		_, err := askWithin(s, "Paris", time.Second)
		return parley.CodeOf(err) == parley.CodeUnavailable && time.Since(start) < time.Second
	})
	waitFor(t, "the dead node's skills expiring", 3*ttl, func() bool { return len(names(t, a.cluster)) == 0 })
	t.Logf("a dead node's skills left the list %v after it died (TTL %v)", time.Since(died).Round(10*time.Millisecond), ttl)
	if calls.Load() != 0 {
		t.Errorf("the dead node's service was called %d times", calls.Load())
	}
	// The registration is free again for another service.
	if _, err := a.cluster.Register(assistant.RemoteSkill{Name: "weather"}, impostor, echo("impostor", &calls)); err != nil {
		t.Errorf("the dead node's name is still taken: %v", err)
	}
}

// A service whose node died connects to another node before the dead
// node's skills expire: questions reach it there at once, although the
// registry still lists the dead node first.
func TestAServiceThatMovedIsAskedWhereItIs(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	asker := newNodeNamed(t, url, p, 10*time.Second, "n0")
	dead := newNodeNamed(t, url, p, 10*time.Second, "n1") // listed before n2
	next := newNodeNamed(t, url, p, 10*time.Second, "n2")
	var calls atomic.Int32
	if _, err := dead.cluster.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather", &calls)); err != nil {
		t.Fatal(err)
	}
	dead.crash()
	if _, err := next.cluster.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather-n2", &calls)); err != nil {
		t.Fatalf("the same service on another node while its dead node's skills live on: %v", err)
	}
	if got := names(t, asker.cluster); !slices.Equal(got, []string{"weather"}) {
		t.Fatalf("the asking node lists %v, want weather once", got)
	}
	// Redis drops the dead node's subscription as it notices the close;
	// until then a try waits for the dead node first, and a loaded
	// machine may need more than one try.
	waitFor(t, "the moved service answering", 15*time.Second, func() bool {
		ans, err := ask(find(t, asker.cluster, "weather"), "Quito")
		return err == nil && ans == "Quito from weather-n2"
	})
}

// A node whose hash disappeared while it lived (Redis restarted, or was
// out of reach for longer than the TTL) writes its skills again.
func TestALiveNodeWritesItsSkillsAgain(t *testing.T) {
	url, p := redistest.URL(t), prefix()
	const ttl = 900 * time.Millisecond
	a, b := newNode(t, url, p, ttl), newNode(t, url, p, ttl)
	var calls atomic.Int32
	if _, err := b.cluster.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather", &calls)); err != nil {
		t.Fatal(err)
	}
	if err := a.client.Del(context.Background(), p+"#parley#skills#node#"+b.id, p+"#parley#skills#nodes").Err(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, a.cluster); len(got) != 0 {
		t.Fatalf("node A lists %v with the registry wiped", got)
	}
	waitFor(t, "node B's skills back", 5*time.Second, func() bool { return slices.Equal(names(t, a.cluster), []string{"weather"}) })
	if ans, err := ask(find(t, a.cluster, "weather"), "Lima"); err != nil || ans != "Lima from weather" {
		t.Errorf("after the rewrite: %q, %v", ans, err)
	}
}

// With Redis out of reach a node still offers its own services' skills.
func TestWithoutRedisANodeKeepsItsOwnSkills(t *testing.T) {
	local := assistant.NewRemotes(func() int64 { return 0 })
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer client.Close()
	c := redisskills.New(redisskills.Config{Client: client, NodeID: "n1", Local: local, OpTimeout: 200 * time.Millisecond})
	defer c.Close()
	var calls atomic.Int32
	if _, err := c.Register(assistant.RemoteSkill{Name: "weather"}, weather, echo("weather", &calls)); err != nil {
		t.Fatalf("Register without Redis: %v", err)
	}
	skills, err := c.Skills(context.Background())
	if parley.CodeOf(err) != parley.CodeUnavailable || len(skills) != 1 || skills[0].Name() != "weather" {
		t.Fatalf("Skills without Redis = %d skills, %v; want the local one and UNAVAILABLE", len(skills), err)
	}
	if ans, err := ask(skills[0], "Paris"); err != nil || ans != "Paris from weather" {
		t.Errorf("the local skill without Redis: %q, %v", ans, err)
	}
}
