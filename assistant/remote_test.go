package assistant_test

import (
	"context"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/protocol"
)

func TestRemoteSkillsCannotBeTakenOrShadowCommands(t *testing.T) {
	r := assistant.NewRemotes(func() int64 { return 0 })
	weather := parley.User{ID: "svc-1", Username: "weather"}
	other := parley.User{ID: "svc-2", Username: "impostor"}
	ask := func(context.Context, protocol.SkillMessage) (protocol.SkillMessage, error) {
		return protocol.SkillMessage{}, nil
	}
	unregister, err := r.Register(assistant.RemoteSkill{Name: "weather", Aliases: []string{"Forecast"}}, weather, ask)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Register(assistant.RemoteSkill{Name: "Weather"}, other, ask)
	if parley.CodeOf(err) != parley.CodeConflict {
		t.Fatalf("another service took the skill: %v", err)
	}
	// An alias is as much the service's as the name: "@assistant forecast"
	// must not start reaching someone else.
	for _, s := range []assistant.RemoteSkill{{Name: "forecast"}, {Name: "meteo", Aliases: []string{"FORECAST"}}, {Name: "sky", Aliases: []string{"weather"}}} {
		if _, err := r.Register(s, other, ask); parley.CodeOf(err) != parley.CodeConflict {
			t.Fatalf("another service took %+v: %v", s, err)
		}
	}
	if _, err := r.Register(assistant.RemoteSkill{Name: "weather"}, weather, ask); err != nil {
		t.Fatalf("the same service registering again (a reconnect): %v", err)
	}
	for _, bad := range []assistant.RemoteSkill{{Name: "help"}, {Name: "search", Aliases: []string{"learn"}}, {Name: "x", Aliases: []string{"时间"}}} {
		if _, err := r.Register(bad, other, ask); parley.CodeOf(err) != parley.CodeBadRequest {
			t.Fatalf("%+v shadows a built-in command, yet: %v", bad, err)
		}
	}
	unregister() // the first registration was replaced: it must not remove the second
	if got, _ := r.Skills(context.Background()); len(got) != 1 {
		t.Fatalf("%d skills after a stale unregister, want 1", len(got))
	}
}

// Ask is how another node's question reaches a service connected here: it
// gets the request as built there, and nothing answers for a service that
// is gone.
func TestRemotesAskPassesAnotherNodesRequest(t *testing.T) {
	r := assistant.NewRemotes(func() int64 { return 0 })
	weather := parley.User{ID: "svc-1", Username: "weather"}
	var got []protocol.SkillMessage
	unregister, err := r.Register(assistant.RemoteSkill{Name: "weather"}, weather, func(_ context.Context, m protocol.SkillMessage) (protocol.SkillMessage, error) {
		got = append(got, m)
		return protocol.SkillMessage{From: "weather", To: m.From, Subject: m.Subject, Content: "sunny", Type: protocol.SkillReply}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	req := protocol.SkillMessage{From: "alice", To: "weather", Subject: "weather", Content: "Paris", Type: protocol.SkillRequest, CreateTime: 42, Room: "general", Lang: "en"}
	ans, err := r.Ask(context.Background(), req)
	if err != nil || ans.Content != "sunny" {
		t.Fatalf("Ask = %+v, %v", ans, err)
	}
	if len(got) != 1 || got[0].From != "alice" || got[0].Content != "Paris" || got[0].CreateTime != 42 || got[0].Room != "general" {
		t.Fatalf("the service got %+v, want the request once as built", got)
	}
	if _, err := r.Ask(context.Background(), protocol.SkillMessage{To: "impostor", Subject: "weather"}); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Errorf("a request for another service's skill: %v, want UNAVAILABLE", err)
	}
	unregister()
	if _, err := r.Ask(context.Background(), req); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Errorf("a request after the service left: %v, want UNAVAILABLE", err)
	}
}
