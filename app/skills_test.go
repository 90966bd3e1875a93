package app

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/parleytest/redistest"
)

const weatherSecret = "weather-secret-0123456789"

// TestSkillsAcrossNodes: a service connected to node B answers a question
// asked on node A, once, and the asker hears the answer once; node B's own
// users still reach it; when node B dies, a question already routed to it
// gets the assistant's "did not answer" reply at once, and within the TTL
// the skill is gone from every node.
func TestSkillsAcrossNodes(t *testing.T) {
	url := redistest.URL(t)
	dir := t.TempDir()
	prefix := "parley-test-" + parley.NewID()
	const ttl = 3 * time.Second
	var nodes []*node
	for range 2 {
		cfg := testConfig(t, dir)
		cfg.RedisURL = url
		cfg.RedisPrefix = prefix
		cfg.PingInterval = time.Second
		cfg.SkillTTL = ttl
		cfg.Services = map[string]string{"weather": weatherSecret}
		cfg.AssistantRate, cfg.AssistantBurst = 100, 100
		nodes = append(nodes, boot(t, cfg))
	}
	a, b := nodes[0], nodes[1]

	var mu sync.Mutex
	var requests []parleyclient.SkillRequest
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	svc, err := parleyclient.Dial(ctx, b.base, "", parleyclient.Options{
		TokenFunc: func(ctx context.Context) (string, error) {
			s, err := parleyclient.ServiceToken(ctx, b.base, "weather", weatherSecret)
			return s.Token, err
		},
		ReconnectDelay: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("the service dials node B: %v", err)
	}
	defer svc.Close()
	err = svc.RegisterSkill(ctx, parleyclient.Skill{
		Name: "weather", Aliases: []string{"forecast"},
		Description: map[string]string{"en": "the weather in a city"},
		Slots:       []parleyclient.Slot{{Name: "city", Label: map[string]string{"en": "city"}}},
	}, func(_ context.Context, req parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
		mu.Lock()
		requests = append(requests, req)
		mu.Unlock()
		return parleyclient.SkillReply{Content: "Sunny in " + req.Slots["city"] + ", 21°C."}, nil
	})
	if err != nil {
		t.Fatalf("register the skill on node B: %v", err)
	}

	aliceToken := a.register("alice")
	alice := a.poller(aliceToken)
	alice.call("history", map[string]any{"room": parley.DefaultRoomID})
	bob := b.poller(b.register("bob"))
	bob.call("history", map[string]any{"room": parley.DefaultRoomID})

	// Asked on A, answered by the service on B, posted once by A's bot.
	const sunny = "@alice Sunny in Paris, 21°C."
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant weather Paris", "clientMsgId": "w1"})
	_, received := alice.waitMessage(0, sunny, 15*time.Second)
	// One more answer from A's bot, then the room's log: a second answer
	// to the first question would have been stored by now.
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant time", "clientMsgId": "w2"})
	alice.waitMessage(0, "@alice It is ", 15*time.Second)
	if n := alice.count(sunny); n != 1 {
		t.Fatalf("alice got the answer %d times, want once", n)
	}
	stored := botReplies(t, a, aliceToken, sunny)
	if len(stored) != 1 {
		t.Fatalf("the room holds %d answers %q, want one", len(stored), sunny)
	}
	// The very message the room stored, with the keys of any message.
	if !reflect.DeepEqual(received, stored[0]) {
		t.Errorf("alice received\n%v\nthe room stored\n%v", received, stored[0])
	}
	wantKeys := []string{"clientMsgId", "createdAt", "id", "mentions", "reactions", "rev", "room", "sender", "seq", "text"}
	if keys := sortedKeys(received); !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("the answer's keys are %v, want %v", keys, wantKeys)
	}
	sender, _ := received["sender"].(map[string]any)
	if sender["username"] != "assistant" || sender["kind"] != "bot" || received["room"] != parley.DefaultRoomID ||
		!reflect.DeepEqual(received["mentions"], []any{"alice"}) {
		t.Errorf("the answer %v is not the bot's, in general, mentioning alice", received)
	}
	mu.Lock()
	if len(requests) != 1 || requests[0].From != "alice" || requests[0].To != "weather" || requests[0].Subject != "weather" ||
		requests[0].Content != "Paris" || requests[0].Room != parley.DefaultRoomID || requests[0].Slots["city"] != "Paris" {
		t.Errorf("the service got %+v, want alice's one request", requests)
	}
	mu.Unlock()

	// Asked on B, where the service is connected: still answered.
	bob.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant forecast Oslo", "clientMsgId": "w3"})
	bob.waitMessage(0, "@bob Sunny in Oslo, 21°C.", 15*time.Second)

	// Node B dies: its Redis connection goes first, as in a killed
	// process, so it cannot take its skills out of the registry.
	if err := b.m.redis.client.Close(); err != nil {
		t.Fatal(err)
	}
	died := time.Now()
	const failed = "@alice The weather service did not answer in time; try again in a moment."
	mark := len(alice.events)
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant weather Rome", "clientMsgId": "w4"})
	alice.waitMessage(mark, failed, 15*time.Second)
	took := time.Since(died)
	if took >= ttl {
		t.Fatalf("the failure reply came %v after the node died: the skill had expired already, make the TTL longer", took)
	}
	t.Logf("a question for the dead node's skill was answered %q %v after it died", failed, took.Round(time.Millisecond))
	go b.stop()

	// Within the TTL (and a heartbeat's margin) help no longer lists it,
	// and a question for it is one the bot does not know.
	deadline := died.Add(ttl + 5*time.Second)
	for i := 5; ; i++ {
		mark := len(alice.events)
		alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant help", "clientMsgId": "w" + strconv.Itoa(i)})
		_, help := alice.waitMessage(mark, "@alice I'm Assistant", 15*time.Second)
		if !strings.Contains(help["text"].(string), "`weather`") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("help still lists the dead node's skill %v after it died: %q", time.Since(died), help["text"])
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("the dead node's skill left help %v after the node died (TTL %v)", time.Since(died).Round(100*time.Millisecond), ttl)
	mark = len(alice.events)
	alice.call("message:send", map[string]any{"room": parley.DefaultRoomID, "text": "@assistant weather Lima", "clientMsgId": "w-last"})
	alice.waitMessage(mark, "@alice I don't know that yet. Teach me with `learn <question> => <answer>`, or say `help`.", 15*time.Second)
	mu.Lock()
	if len(requests) != 2 {
		t.Errorf("the service got %d requests, want 2 (Paris from node A, Oslo from node B)", len(requests))
	}
	mu.Unlock()
}

// botReplies are the bot's messages of the default room with text, as
// history returns them.
func botReplies(t *testing.T, n *node, token, text string) []map[string]any {
	t.Helper()
	status, body := n.do("GET", "/api/rooms/"+parley.DefaultRoomID+"/messages?limit=100", token, "")
	if status != http.StatusOK {
		t.Fatalf("history: %d %s", status, body)
	}
	var page struct {
		Messages []map[string]any `json:"messages"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("history %s: %v", body, err)
	}
	var out []map[string]any
	for _, m := range page.Messages {
		if m["text"] == text {
			out = append(out, m)
		}
	}
	return out
}

// waitMessage polls until a "message" event from the from-th event on has
// a text that starts with prefix, and returns its index and payload
// (decoded with its exact keys).
func (p *poller) waitMessage(from int, prefix string, timeout time.Duration) (int, map[string]any) {
	p.n.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for i := from; i < len(p.events); i++ {
			if m := p.message(i); m != nil && strings.HasPrefix(m["text"].(string), prefix) {
				return i, m
			}
		}
		if time.Now().After(deadline) {
			p.n.t.Fatalf("no message %q within %v", prefix, timeout)
		}
		for _, pk := range p.poll() {
			p.keep(pk)
		}
	}
}

// message is the i-th event's payload if it is a message, else nil.
func (p *poller) message(i int) map[string]any {
	e := p.events[i]
	var m map[string]any
	if e.name != "message" || json.Unmarshal(e.payload, &m) != nil {
		return nil
	}
	if _, ok := m["text"].(string); !ok {
		return nil
	}
	return m
}

// count is how many messages received so far have text.
func (p *poller) count(text string) int {
	n := 0
	for i := range p.events {
		if m := p.message(i); m != nil && m["text"] == text {
			n++
		}
	}
	return n
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
