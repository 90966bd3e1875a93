package rooms_test

import (
	"maps"
	"testing"

	"github.com/parley-chat/parley"
)

// notifyLevels is each room's level in user's room list, by room id.
func (f *fixture) notifyLevels(u parley.User) map[string]parley.NotifyLevel {
	f.t.Helper()
	rs, err := f.hub.RoomsOf(f.ctx, u)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]parley.NotifyLevel{}
	for _, r := range rs {
		out[r.ID] = r.Notify
	}
	return out
}

func TestSetNotify(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	pub := f.room(alice, "pub", false)
	dm, err := f.hub.OpenDirect(f.ctx, alice, "bob")
	if err != nil {
		t.Fatal(err)
	}
	// Until they choose: every message of a direct room, mentions elsewhere.
	want := map[string]parley.NotifyLevel{parley.DefaultRoomID: parley.NotifyMentions, pub.ID: parley.NotifyMentions, dm.ID: parley.NotifyAll}
	if got := f.notifyLevels(alice); !maps.Equal(got, want) {
		t.Fatalf("default levels %v, want %v", got, want)
	}

	for _, step := range []struct {
		room  string
		level parley.NotifyLevel
	}{{pub.ID, parley.NotifyAll}, {dm.ID, parley.NotifyNone}, {pub.ID, parley.NotifyNone}, {dm.ID, parley.NotifyMentions}} {
		if err := f.hub.SetNotify(f.ctx, alice, step.room, step.level); err != nil {
			t.Fatalf("SetNotify(%s, %s): %v", step.room, step.level, err)
		}
		want[step.room] = step.level
		if got := f.notifyLevels(alice); !maps.Equal(got, want) {
			t.Fatalf("after setting %s to %s: %v, want %v", step.room, step.level, got, want)
		}
	}
	// Bob's levels of the same rooms are his own.
	if got := f.notifyLevels(bob); got[dm.ID] != parley.NotifyAll || got[parley.DefaultRoomID] != parley.NotifyMentions {
		t.Errorf("bob's levels %v changed with alice's", got)
	}
}

func TestSetNotifyRefused(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	pub := f.room(alice, "pub", false)
	secret := f.room(alice, "secret", true)
	for _, bad := range []parley.NotifyLevel{"", "loud", "All"} {
		wantCode(t, f.hub.SetNotify(f.ctx, alice, pub.ID, bad), parley.CodeBadRequest)
	}
	wantCode(t, f.hub.SetNotify(f.ctx, alice, "", parley.NotifyAll), parley.CodeBadRequest)
	wantCode(t, f.hub.SetNotify(f.ctx, bob, pub.ID, parley.NotifyAll), parley.CodeForbidden)
	wantCode(t, f.hub.SetNotify(f.ctx, bob, secret.ID, parley.NotifyAll), parley.CodeNotFound)
	wantCode(t, f.hub.SetNotify(f.ctx, bob, "no-such-room", parley.NotifyAll), parley.CodeNotFound)
	if got := f.notifyLevels(alice)[pub.ID]; got != parley.NotifyMentions {
		t.Errorf("refused changes left the level %q", got)
	}
}
