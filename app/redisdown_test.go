package app

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley"
)

// TestNodeServesItsOwnSocketsWithoutRedis: with its Redis out of reach a
// node is not ready, but its own sockets go on as if it were alone: a user
// who joins a room gets its messages there, one who is kicked stops getting
// them at once, and every broadcast that could not reach the other nodes is
// counted. The join and the kick are saved and applied here, and their acks
// say that the other nodes have not applied them yet (UNAVAILABLE, retried
// until they do).
func TestNodeServesItsOwnSocketsWithoutRedis(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.RedisURL = "redis://127.0.0.1:1/0" // nothing listens there
	cfg.RedisPrefix = "parley-test-" + parley.NewID()
	cfg.PingInterval = time.Second // polls return at least this often
	cfg.ShutdownTimeout = 3 * time.Second
	n := boot(t, cfg)
	if status, body := n.do("GET", "/readyz", "", ""); status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with Redis down: %d %s, want 503", status, body)
	}
	bobToken := n.register("bob")
	bob := n.poller(bobToken)
	alice := n.poller(n.register("alice"))
	status, body := n.do("POST", "/api/rooms", bobToken, `{"name":"Planning"}`)
	if status != http.StatusCreated {
		t.Fatalf("create room: %d %s", status, body)
	}
	var created map[string]map[string]any
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatalf("created room %s: %v", body, err)
	}
	room, _ := created["room"]["id"].(string)

	savedNotEverywhere(t, "alice joins", alice.call("room:join", map[string]any{"room": room}))
	send := func(room, text string) {
		t.Helper()
		if ack := bob.call("message:send", map[string]any{"room": room, "text": text, "clientMsgId": text}); ack["ok"] != true {
			t.Fatalf("bob sends %q with Redis down: %v", text, ack)
		}
	}
	send(room, "welcome alice")
	alice.messagesUntil("welcome alice", 10*time.Second)

	savedNotEverywhere(t, "bob kicks alice", bob.call("room:kick", map[string]any{"room": room, "user": "alice"}))
	send(room, "alice is gone")
	// One node sends to a socket in order: past the marker, alice's socket
	// would have had the room's message.
	send(parley.DefaultRoomID, "marker")
	if got := alice.messagesUntil("marker", 10*time.Second); slices.Contains(got, "alice is gone") {
		t.Errorf("alice's socket still gets the room's messages after the kick: %q", got)
	}

	_, metrics := n.do("GET", "/metrics", "", "")
	m := regexp.MustCompile(`(?m)^parley_redis_publish_failures_total (\S+)$`).FindStringSubmatch(metrics)
	if m == nil {
		t.Fatal("parley_redis_publish_failures_total is not exposed")
	}
	if v, _ := strconv.ParseFloat(m[1], 64); v < 3 {
		t.Errorf("parley_redis_publish_failures_total = %s after three messages and a kick with Redis down", m[1])
	}
}

// savedNotEverywhere checks the ack of a membership change made while the
// other nodes cannot be told.
func savedNotEverywhere(t *testing.T, what string, ack map[string]any) {
	t.Helper()
	e, _ := ack["error"].(map[string]any)
	if ack["ok"] != false || e["code"] != string(parley.CodeUnavailable) {
		t.Fatalf("%s with Redis down: %v, want ok:false with code UNAVAILABLE", what, ack)
	}
}
