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
	unregister, err := r.Register(assistant.RemoteSkill{Name: "weather"}, weather, ask)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Register(assistant.RemoteSkill{Name: "Weather"}, other, ask)
	if parley.CodeOf(err) != parley.CodeConflict {
		t.Fatalf("another service took the skill: %v", err)
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
	if got := len(r.Skills()); got != 1 {
		t.Fatalf("%d skills after a stale unregister, want 1", got)
	}
}
