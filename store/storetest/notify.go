package storetest

import (
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var notificationTests = []test{
	{"Notifications/SetAndRead", testSetNotify},
	{"Notifications/BadRequest", testSetNotifyRefused},
}

func notifyOf(t *testing.T, s *store.Store, r parley.Room, u parley.User) (fromGet, fromRoomsOf parley.NotifyLevel) {
	t.Helper()
	m, err := s.Memberships.Get(ctx(t), r.ID, u.ID)
	must(t, err)
	urs, err := s.Memberships.RoomsOf(ctx(t), u.ID)
	must(t, err)
	for _, ur := range urs {
		if ur.Room.ID == r.ID {
			return m.Notify, ur.Notify
		}
	}
	t.Fatalf("RoomsOf(%s) has no room %s", u.Username, r.Name)
	return "", ""
}

func testSetNotify(t *testing.T, s *store.Store) {
	owner, u := newUser(t, s, "own"), newUser(t, s, "usr")
	r := newRoom(t, s, "room", owner, false)
	other := newRoom(t, s, "other", owner, false)
	join(t, s, r, u)
	join(t, s, other, u)
	if g, l := notifyOf(t, s, r, u); g != "" || l != "" {
		t.Fatalf("a new member's level is %q (Get) / %q (RoomsOf), want none chosen", g, l)
	}
	for _, level := range []parley.NotifyLevel{parley.NotifyNone, parley.NotifyAll, parley.NotifyMentions, parley.NotifyNone} {
		must(t, s.Notifications.SetNotify(ctx(t), r.ID, u.ID, level))
		if g, l := notifyOf(t, s, r, u); g != level || l != level {
			t.Fatalf("after SetNotify(%q): %q (Get) / %q (RoomsOf)", level, g, l)
		}
	}
	// Only that member's level of that room changed.
	if g, l := notifyOf(t, s, other, u); g != "" || l != "" {
		t.Errorf("another room's level became %q / %q", g, l)
	}
	if g, l := notifyOf(t, s, r, owner); g != "" || l != "" {
		t.Errorf("another member's level became %q / %q", g, l)
	}
	// The level stays across a read and goes with the membership.
	_, err := s.Memberships.MarkRead(ctx(t), r.ID, u.ID, 0)
	must(t, err)
	if g, _ := notifyOf(t, s, r, u); g != parley.NotifyNone {
		t.Errorf("after MarkRead the level is %q", g)
	}
	must(t, s.Memberships.Remove(ctx(t), r.ID, u.ID))
	join(t, s, r, u)
	if g, l := notifyOf(t, s, r, u); g != "" || l != "" {
		t.Errorf("a member who left and came back kept the level %q / %q", g, l)
	}
}

func testSetNotifyRefused(t *testing.T, s *store.Store) {
	owner, u := newUser(t, s, "own"), newUser(t, s, "usr")
	r := newRoom(t, s, "room", owner, false)
	wantCode(t, s.Notifications.SetNotify(ctx(t), r.ID, u.ID, parley.NotifyAll), parley.CodeNotFound)
	wantCode(t, s.Notifications.SetNotify(ctx(t), "no-such-room", owner.ID, parley.NotifyAll), parley.CodeNotFound)
	for _, bad := range []parley.NotifyLevel{"", "loud", "ALL"} {
		wantCode(t, s.Notifications.SetNotify(ctx(t), r.ID, owner.ID, bad), parley.CodeBadRequest)
	}
	if g, _ := notifyOf(t, s, r, owner); g != "" {
		t.Errorf("refused changes set the level to %q", g)
	}
}
