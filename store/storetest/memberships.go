package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var membershipTests = []test{
	{"Memberships/AddIsIdempotent", testMemberAdd},
	{"Memberships/AddUnknownRoomOrUser", testMemberAddNotFound},
	{"Memberships/Remove", testMemberRemove},
	{"Memberships/MembersOldestFirst", testMembers},
	{"Memberships/RoomsOfWithUnread", testRoomsOf},
	{"Memberships/MarkReadForwardAndCapped", testMarkRead},
}

func testMemberAdd(t *testing.T, s *store.Store) {
	owner, u := newUser(t, s, "own"), newUser(t, s, "usr")
	r := newRoom(t, s, "room", owner, false)

	added, err := s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: u.ID, Role: parley.RoleMember, JoinedAt: baseTime})
	must(t, err)
	if !added {
		t.Fatal("first Add reported added=false")
	}
	added, err = s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: u.ID, Role: parley.RoleAdmin, JoinedAt: baseTime.Add(time.Hour)})
	must(t, err)
	if added {
		t.Fatal("second Add reported added=true")
	}
	m, err := s.Memberships.Get(ctx(t), r.ID, u.ID)
	must(t, err)
	want := parley.Membership{RoomID: r.ID, UserID: u.ID, Role: parley.RoleMember, JoinedAt: baseTime}
	if *m != want {
		t.Fatalf("Get = %+v, want %+v (the first Add's)", *m, want)
	}

	// A newcomer's read cursor is kept, within [0, the room's lastSeq]: the
	// hub starts newcomers at lastSeq so the past is not counted as unread.
	appendN(t, s, r, owner, 3)
	for _, tc := range []struct{ give, want int64 }{{2, 2}, {100, 3}, {-1, 0}} {
		nu := newUser(t, s, fmt.Sprintf("rs%d", tc.want))
		_, err := s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: nu.ID, Role: parley.RoleMember, JoinedAt: baseTime, ReadSeq: tc.give})
		must(t, err)
		m, err := s.Memberships.Get(ctx(t), r.ID, nu.ID)
		must(t, err)
		if m.ReadSeq != tc.want {
			t.Errorf("Add with ReadSeq %d: stored %d, want %d", tc.give, m.ReadSeq, tc.want)
		}
	}

	// The owner's membership is not downgraded by a later Add either.
	added, err = s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: owner.ID, Role: parley.RoleMember, JoinedAt: baseTime})
	must(t, err)
	m, err = s.Memberships.Get(ctx(t), r.ID, owner.ID)
	must(t, err)
	if added || m.Role != parley.RoleOwner {
		t.Fatalf("re-adding the owner: added=%v role=%q", added, m.Role)
	}
}

func testMemberAddNotFound(t *testing.T, s *store.Store) {
	owner := newUser(t, s, "own")
	r := newRoom(t, s, "room", owner, false)
	_, err := s.Memberships.Add(ctx(t), parley.Membership{RoomID: parley.NewID(), UserID: owner.ID, Role: parley.RoleMember, JoinedAt: baseTime})
	wantCode(t, err, parley.CodeNotFound)
	ghost := parley.NewID()
	_, err = s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: ghost, Role: parley.RoleMember, JoinedAt: baseTime})
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Memberships.Get(ctx(t), r.ID, ghost)
	wantCode(t, err, parley.CodeNotFound)
}

func testMemberRemove(t *testing.T, s *store.Store) {
	owner, u := newUser(t, s, "own"), newUser(t, s, "usr")
	r := newRoom(t, s, "room", owner, false)
	join(t, s, r, u)

	must(t, s.Memberships.Remove(ctx(t), r.ID, u.ID))
	_, err := s.Memberships.Get(ctx(t), r.ID, u.ID)
	wantCode(t, err, parley.CodeNotFound)
	wantCode(t, s.Memberships.Remove(ctx(t), r.ID, u.ID), parley.CodeNotFound)
	rooms, err := s.Memberships.RoomsOf(ctx(t), u.ID)
	must(t, err)
	if len(rooms) != 0 {
		t.Fatalf("RoomsOf after Remove = %+v", rooms)
	}
	// The owner is unaffected.
	_, err = s.Memberships.Get(ctx(t), r.ID, owner.ID)
	must(t, err)
}

func testMembers(t *testing.T, s *store.Store) {
	owner := newUser(t, s, "zed") // names sort opposite to join order
	r := newRoom(t, s, "room", owner, false)
	later := []parley.User{newUser(t, s, "yan"), newUser(t, s, "xia")}
	for i, u := range later {
		_, err := s.Memberships.Add(ctx(t), parley.Membership{
			RoomID: r.ID, UserID: u.ID, Role: parley.RoleAdmin,
			JoinedAt: baseTime.Add(time.Duration(i+1) * time.Minute),
		})
		must(t, err)
	}
	members, err := s.Memberships.Members(ctx(t), r.ID)
	must(t, err)
	var got []string
	for _, m := range members {
		got = append(got, m.User.Username)
	}
	if len(got) != 3 || got[0] != "zed" || got[1] != "yan" || got[2] != "xia" {
		t.Fatalf("Members = %v, want [zed yan xia]", got)
	}
	if m := members[1]; m.Role != parley.RoleAdmin || !m.JoinedAt.Equal(baseTime.Add(time.Minute)) ||
		m.User.DisplayName != "The yan" || m.User.Kind != parley.KindHuman {
		t.Fatalf("Members[1] = %+v", m)
	}

	none, err := s.Memberships.Members(ctx(t), parley.NewID())
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("Members of an unknown room = %+v", none)
	}
}

func testRoomsOf(t *testing.T, s *store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	busy := newRoom(t, s, "busy", alice, false)
	quiet := newRoom(t, s, "quiet", bob, true)
	join(t, s, busy, bob)
	join(t, s, quiet, alice)
	appendN(t, s, busy, bob, 3)

	rooms, err := s.Memberships.RoomsOf(ctx(t), alice.ID)
	must(t, err)
	byName := map[string]parley.UserRoom{}
	for _, r := range rooms {
		byName[r.Room.Name] = r
	}
	if len(rooms) != 2 {
		t.Fatalf("alice is in %d rooms, want 2", len(rooms))
	}
	if b := byName["busy"]; b.Room.LastSeq != 3 || b.ReadSeq != 0 || b.Unread != 3 || b.Role != parley.RoleOwner {
		t.Fatalf("alice's busy = %+v, want lastSeq 3 readSeq 0 unread 3 owner", b)
	}
	if q := byName["quiet"]; q.Unread != 0 || q.Role != parley.RoleMember || !q.Room.Private {
		t.Fatalf("alice's quiet = %+v", q)
	}

	// Bob wrote all three: his own messages are read.
	rooms, err = s.Memberships.RoomsOf(ctx(t), bob.ID)
	must(t, err)
	for _, r := range rooms {
		if r.Room.ID == busy.ID && (r.ReadSeq != 3 || r.Unread != 0) {
			t.Fatalf("bob's busy = %+v, want readSeq 3 unread 0", r)
		}
	}

	_, err = s.Memberships.MarkRead(ctx(t), busy.ID, alice.ID, 2)
	must(t, err)
	rooms, err = s.Memberships.RoomsOf(ctx(t), alice.ID)
	must(t, err)
	for _, r := range rooms {
		if r.Room.ID == busy.ID && r.Unread != 1 {
			t.Fatalf("after reading 2 of 3, unread = %d", r.Unread)
		}
	}
}

func testMarkRead(t *testing.T, s *store.Store) {
	alice, bob, eve := newUser(t, s, "alice"), newUser(t, s, "bob"), newUser(t, s, "eve")
	r := newRoom(t, s, "room", bob, false)
	join(t, s, r, alice)
	appendN(t, s, r, bob, 5)

	steps := []struct{ seq, want int64 }{
		{2, 2},
		{1, 2},   // never backwards
		{0, 2},   // nor to zero
		{4, 4},   // forward
		{100, 5}, // capped at lastSeq
		{3, 5},
	}
	for _, st := range steps {
		got, err := s.Memberships.MarkRead(ctx(t), r.ID, alice.ID, st.seq)
		must(t, err)
		if got != st.want {
			t.Fatalf("MarkRead(%d) = %d, want %d", st.seq, got, st.want)
		}
	}
	m, err := s.Memberships.Get(ctx(t), r.ID, alice.ID)
	must(t, err)
	if m.ReadSeq != 5 {
		t.Fatalf("stored readSeq = %d, want 5", m.ReadSeq)
	}
	_, err = s.Memberships.MarkRead(ctx(t), r.ID, eve.ID, 1)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Memberships.MarkRead(ctx(t), parley.NewID(), alice.ID, 1)
	wantCode(t, err, parley.CodeNotFound)
}
