package parleyclient_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// The skill helper answers the assistant's requests through their ack and
// offers its skills again after the server restarts.
func TestRegisteredSkillsAnswerTheAssistantAcrossRestarts(t *testing.T) {
	srv := clienttest.Start(t,
		"PARLEY_SERVICES=echoer:"+serviceSecret,
		"PARLEY_ASSISTANT_RATE=100", "PARLEY_ASSISTANT_BURST=100",
	)
	var mu sync.Mutex
	var requests []parleyclient.SkillRequest
	svc := dial(t, srv, "", parleyclient.Options{
		TokenFunc: func(ctx context.Context) (string, error) {
			s, err := parleyclient.ServiceToken(ctx, srv.URL, "echoer", serviceSecret)
			return s.Token, err
		},
	})
	skill := parleyclient.Skill{
		Name: "reverse", Aliases: []string{"backwards"},
		Description: map[string]string{"en": "says it backwards"},
	}
	err := svc.RegisterSkill(ctx(t), skill, func(_ context.Context, req parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
		mu.Lock()
		requests = append(requests, req)
		mu.Unlock()
		return parleyclient.SkillReply{Content: reverse(req.Content)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}

	alice := register(t, srv, "alice")
	msgs := newRecorder[protocol.Message]()
	a := dial(t, srv, alice.Token, parleyclient.Options{OnMessage: msgs.add})
	// ask sends question until the bot's reply to it ends with want: after
	// a restart the service needs a moment to offer its skill again.
	ask := func(t *testing.T, question, want string) {
		t.Helper()
		for try := 0; ; try++ {
			sent, err := a.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: question})
			if err != nil {
				t.Fatal(err)
			}
			reply := msgs.first(t, "the bot's reply", func(m protocol.Message) bool {
				return m.Sender.Kind == parley.KindBot && m.Seq > sent.Seq
			})
			if strings.HasSuffix(reply.Text, want) {
				return
			}
			if try == 10 {
				t.Fatalf("the bot answered %q, want it to end with %q", reply.Text, want)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	before := time.Now().Add(-time.Second)
	ask(t, "@assistant reverse hello world", "dlrow olleh")
	mu.Lock()
	got := requests[0]
	mu.Unlock()
	if got.CreateTime.Before(before) || time.Since(got.CreateTime) > time.Minute {
		t.Fatalf("createTime %v is not about now", got.CreateTime)
	}
	got.CreateTime = time.Time{}
	want := parleyclient.SkillRequest{
		From: alice.User.Username, To: "echoer", Subject: "reverse", Content: "hello world",
		Type: "skill.request", Room: "general", Lang: "en",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("request: got %+v, want %+v", got, want)
	}

	srv.Restart()
	ask(t, "@assistant backwards again", "niaga")
}

func TestOnlyServicesRegisterSkillsAndNamesAreChecked(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SERVICES=echoer:"+serviceSecret)
	handler := func(context.Context, parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
		return parleyclient.SkillReply{}, nil
	}
	alice := register(t, srv, "alice")
	a := dial(t, srv, alice.Token, parleyclient.Options{})
	wantCode(t, a.RegisterSkill(ctx(t), parleyclient.Skill{Name: "reverse"}, handler), parley.CodeForbidden)

	tok, err := parleyclient.ServiceToken(ctx(t), srv.URL, "echoer", serviceSecret)
	if err != nil {
		t.Fatal(err)
	}
	svc := dial(t, srv, tok.Token, parleyclient.Options{})
	wantCode(t, svc.RegisterSkill(ctx(t), parleyclient.Skill{Name: "help"}, handler), parley.CodeBadRequest)
	if err := svc.RegisterSkill(ctx(t), parleyclient.Skill{Name: "Reverse"}, handler); err != nil {
		t.Fatal(err)
	}
}
