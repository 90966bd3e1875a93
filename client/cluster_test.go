package parleyclient_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/protocol"
)

func waitReady(t *testing.T, srv *clienttest.Server) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		res, err := http.Get(srv.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %v", srv.URL, waitTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A service connected to node B of a two-process cluster answers a user
// on node A. Node B is killed (SIGKILL: nothing is said to Redis): a
// question asked at once gets the assistant's apology, the skill leaves
// help within the TTL, and once node B is back the service, reconnected
// and registered again, answers again.
func TestASkillOnAKilledNode(t *testing.T) {
	url := redistest.URL(t)
	const ttl = 3 * time.Second
	env := []string{
		"PARLEY_DATA_DIR=" + t.TempDir(), // one SQLite file for both
		"PARLEY_REDIS_URL=" + url,
		"PARLEY_REDIS_PREFIX=parley-test-" + parley.NewID(),
		"PARLEY_SKILL_TTL=" + ttl.String(),
		"PARLEY_SERVICES=weather:" + serviceSecret,
		"PARLEY_ASSISTANT_RATE=100", "PARLEY_ASSISTANT_BURST=100",
	}
	nodeA := clienttest.Start(t, env...)
	waitReady(t, nodeA) // the first node creates the schema
	nodeB := clienttest.Start(t, env...)
	waitReady(t, nodeB)

	var mu sync.Mutex
	var requests []parleyclient.SkillRequest
	svc := dial(t, nodeB, "", parleyclient.Options{
		TokenFunc: func(ctx context.Context) (string, error) {
			s, err := parleyclient.ServiceToken(ctx, nodeB.URL, "weather", serviceSecret)
			return s.Token, err
		},
	})
	err := svc.RegisterSkill(ctx(t), parleyclient.Skill{Name: "weather", Slots: []parleyclient.Slot{{Name: "city"}}},
		func(_ context.Context, req parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
			mu.Lock()
			requests = append(requests, req)
			mu.Unlock()
			return parleyclient.SkillReply{Content: "Sunny in " + req.Slots["city"] + "."}, nil
		})
	if err != nil {
		t.Fatal(err)
	}

	alice := register(t, nodeA, "alice")
	msgs := newRecorder[protocol.Message]()
	a := dial(t, nodeA, alice.Token, parleyclient.Options{OnMessage: msgs.add})
	at := "@" + alice.User.Username + " "
	// ask sends question and returns the bot's next reply.
	ask := func(question string) protocol.Message {
		t.Helper()
		sent, err := a.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: question})
		if err != nil {
			t.Fatal(err)
		}
		return msgs.first(t, "the bot's reply to "+question, func(m protocol.Message) bool {
			return m.Sender.Kind == parley.KindBot && m.Seq > sent.Seq
		})
	}
	botSaid := func(text string) int {
		n := 0
		for _, m := range msgs.all() {
			if m.Sender.Kind == parley.KindBot && m.Text == text {
				n++
			}
		}
		return n
	}

	if got := ask("@assistant weather Paris"); got.Text != at+"Sunny in Paris." {
		t.Fatalf("asked on node A: %q", got.Text)
	}
	if got := ask("@assistant time"); !strings.HasPrefix(got.Text, at+"It is ") {
		t.Fatalf("time: %q", got.Text)
	}
	if n := botSaid(at + "Sunny in Paris."); n != 1 {
		t.Fatalf("the answer came %d times, want once", n)
	}

	nodeB.Kill()
	killed := time.Now()
	if got := ask("@assistant weather Rome"); got.Text != at+"The weather service did not answer in time; try again in a moment." {
		t.Fatalf("asked right after node B was killed: %q", got.Text)
	}
	t.Logf("the apology came %v after the kill", time.Since(killed).Round(time.Millisecond))
	for strings.Contains(ask("@assistant help").Text, "`weather`") {
		if time.Since(killed) > ttl+5*time.Second {
			t.Fatalf("help still lists weather %v after node B was killed", time.Since(killed))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("the skill left help %v after the kill (TTL %v)", time.Since(killed).Round(100*time.Millisecond), ttl)

	nodeB.Restart()
	// The service reconnects to node B by itself and offers its skill
	// again; until then the bot does not know the skill.
	deadline := time.Now().Add(waitTimeout)
	for ask("@assistant weather Lima").Text != at+"Sunny in Lima." {
		if time.Now().After(deadline) {
			t.Fatalf("the service did not answer again within %v of node B's restart", waitTimeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) != 2 || requests[0].Slots["city"] != "Paris" || requests[1].Slots["city"] != "Lima" {
		t.Errorf("the service got %+v, want Paris then Lima", requests)
	}
}
