package parleyclient_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

// Close leaves no goroutine behind, whatever the client went through:
// calls, events, a skill, reconnections; and closing twice is harmless.
func TestCloseLeavesNoGoroutineBehind(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SERVICES=echoer:"+serviceSecret)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	http.DefaultClient.CloseIdleConnections()
	time.Sleep(50 * time.Millisecond)
	baseline := runtime.NumGoroutine()

	msgs := newRecorder[protocol.Message]()
	a, err := parleyclient.Dial(ctx(t), srv.URL, alice.Token, parleyclient.Options{
		OnMessage: msgs.add, Logger: testLogger(t),
		ReconnectDelay: 50 * time.Millisecond, ReconnectDelayMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := parleyclient.Dial(ctx(t), srv.URL, bob.Token, parleyclient.Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := parleyclient.Dial(ctx(t), srv.URL, "", parleyclient.Options{
		Logger: testLogger(t),
		TokenFunc: func(ctx context.Context) (string, error) {
			s, err := parleyclient.ServiceToken(ctx, srv.URL, "echoer", serviceSecret)
			return s.Token, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(context.Context, parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
		return parleyclient.SkillReply{Content: "ok"}, nil
	}
	if err := svc.RegisterSkill(ctx(t), parleyclient.Skill{Name: "noop"}, answer); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "@assistant noop"}); err != nil {
		t.Fatal(err)
	}
	msgs.waitFor(t, "the bot's answer", func(ms []protocol.Message) bool { return len(ms) == 2 })
	srv.Restart()
	if _, err := b.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "after the restart"}); err != nil {
		t.Fatal(err)
	}
	msgs.waitFor(t, "the message after the restart", func(ms []protocol.Message) bool { return len(ms) == 3 })
	if _, err := a.History(ctx(t), "general", 0, 0); err != nil {
		t.Fatal(err)
	}

	for _, c := range []*parleyclient.Client{a, b, svc} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "closed"}); !errors.Is(err, parleyclient.ErrClosed) {
		t.Fatalf("send after Close: got %v, want ErrClosed", err)
	}
	http.DefaultClient.CloseIdleConnections()
	waitGoroutines(t, baseline)
}

// waitGoroutines polls, as goleak does, until no more goroutines run than
// at baseline; what Close started stopping may take a moment to return.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines, %d before the clients:\n%s", runtime.NumGoroutine(), baseline, strings.TrimSpace(string(buf[:n])))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
