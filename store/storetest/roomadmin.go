package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var roomAdminTests = []test{
	{"RoomAdmin/UpdateNameAndTopic", testRoomUpdate},
	{"RoomAdmin/UpdateRefusesDirectAndUnknown", testRoomUpdateNotFound},
	{"RoomAdmin/SetRole", testSetRole},
	{"RoomAdmin/LeaveByMember", testLeaveByMember},
	{"RoomAdmin/OwnerLeavingPassesOwnership", testOwnerLeaves},
	{"RoomAdmin/OwnerLeavingRacesARoleChange", testOwnerLeavesDuringSetRole},
}

func ptr(s string) *string { return &s }

func role(t *testing.T, s *store.Store, r parley.Room, u parley.User) parley.Role {
	t.Helper()
	m, err := s.Memberships.Get(ctx(t), r.ID, u.ID)
	must(t, err)
	return m.Role
}

func testRoomUpdate(t *testing.T, s *store.Store) {
	owner := newUser(t, s, "own")
	r := newRoom(t, s, "room", owner, true)
	appendN(t, s, r, owner, 2)

	got, err := s.RoomAdmin.Update(ctx(t), r.ID, ptr("renamed"), nil)
	must(t, err)
	want := r
	want.Name, want.OwnerID, want.LastSeq, want.LastRev = "renamed", owner.ID, 2, 2
	if *got != want {
		t.Fatalf("Update(name) = %+v, want %+v", *got, want)
	}
	got, err = s.RoomAdmin.Update(ctx(t), r.ID, nil, ptr(""))
	must(t, err)
	want.Topic = ""
	if *got != want {
		t.Fatalf("Update(topic) = %+v, want %+v (the name kept)", *got, want)
	}
	got, err = s.RoomAdmin.Update(ctx(t), r.ID, nil, nil)
	must(t, err)
	if *got != want {
		t.Fatalf("Update(nothing) = %+v, want %+v", *got, want)
	}
	stored, err := s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	if *stored != want {
		t.Fatalf("ByID after Update = %+v, want %+v", *stored, want)
	}
	_, err = s.RoomAdmin.Update(ctx(t), r.ID, ptr("  "), ptr("kept?"))
	wantCode(t, err, parley.CodeBadRequest)
	stored, err = s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	if stored.Topic != "" {
		t.Fatalf("a refused Update changed the topic to %q", stored.Topic)
	}
}

func testRoomUpdateNotFound(t *testing.T, s *store.Store) {
	a, b := newUser(t, s, "aaa"), newUser(t, s, "bbb")
	dm, _, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), Name: "aaa,bbb", CreatedAt: baseTime}, a.ID, b.ID)
	must(t, err)
	_, err = s.RoomAdmin.Update(ctx(t), dm.ID, ptr("ours"), nil)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.RoomAdmin.Update(ctx(t), parley.NewID(), ptr("ghost"), nil)
	wantCode(t, err, parley.CodeNotFound)
	stored, err := s.Rooms.ByID(ctx(t), dm.ID)
	must(t, err)
	if stored.Name != "aaa,bbb" {
		t.Fatalf("direct room renamed to %q", stored.Name)
	}
}

func testSetRole(t *testing.T, s *store.Store) {
	owner, u, out := newUser(t, s, "own"), newUser(t, s, "usr"), newUser(t, s, "out")
	r := newRoom(t, s, "room", owner, false)
	join(t, s, r, u)

	must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, u.ID, parley.RoleAdmin))
	if got := role(t, s, r, u); got != parley.RoleAdmin {
		t.Fatalf("after SetRole(admin): %q", got)
	}
	rooms, err := s.Memberships.RoomsOf(ctx(t), u.ID)
	must(t, err)
	if len(rooms) != 1 || rooms[0].Role != parley.RoleAdmin {
		t.Fatalf("RoomsOf after SetRole(admin) = %+v", rooms)
	}
	must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, u.ID, parley.RoleAdmin)) // again: no change, no error
	must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, u.ID, parley.RoleMember))
	if got := role(t, s, r, u); got != parley.RoleMember {
		t.Fatalf("after SetRole(member): %q", got)
	}

	wantCode(t, s.RoomAdmin.SetRole(ctx(t), r.ID, u.ID, parley.RoleOwner), parley.CodeBadRequest)
	wantCode(t, s.RoomAdmin.SetRole(ctx(t), r.ID, u.ID, "root"), parley.CodeBadRequest)
	wantCode(t, s.RoomAdmin.SetRole(ctx(t), r.ID, owner.ID, parley.RoleMember), parley.CodeBadRequest)
	wantCode(t, s.RoomAdmin.SetRole(ctx(t), r.ID, out.ID, parley.RoleAdmin), parley.CodeNotFound)
	wantCode(t, s.RoomAdmin.SetRole(ctx(t), parley.NewID(), u.ID, parley.RoleAdmin), parley.CodeNotFound)
	if got := role(t, s, r, owner); got != parley.RoleOwner {
		t.Fatalf("the owner's role became %q", got)
	}
	if got := role(t, s, r, u); got != parley.RoleMember {
		t.Fatalf("a refused SetRole left %q", got)
	}
}

func testLeaveByMember(t *testing.T, s *store.Store) {
	owner, u := newUser(t, s, "own"), newUser(t, s, "usr")
	r := newRoom(t, s, "room", owner, false)
	join(t, s, r, u)
	next, err := s.RoomAdmin.Leave(ctx(t), r.ID, u.ID)
	must(t, err)
	if next != nil {
		t.Fatalf("a member leaving named an heir: %+v", *next)
	}
	_, err = s.Memberships.Get(ctx(t), r.ID, u.ID)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.RoomAdmin.Leave(ctx(t), r.ID, u.ID)
	wantCode(t, err, parley.CodeNotFound)
	if got := role(t, s, r, owner); got != parley.RoleOwner {
		t.Fatalf("owner's role after a member left: %q", got)
	}
	stored, err := s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	if stored.OwnerID != owner.ID {
		t.Fatalf("ownerId after a member left: %q", stored.OwnerID)
	}
}

// The heir is the person among the admins who joined first, else among the
// members; the last person out leaves the room without owner.
func testOwnerLeaves(t *testing.T, s *store.Store) {
	owner, m1, a1, a2 := newUser(t, s, "own"), newUser(t, s, "mem"), newUser(t, s, "adm1"), newUser(t, s, "adm2")
	bot := parley.User{ID: parley.NewID(), Username: "helper", Kind: parley.KindBot, CreatedAt: baseTime}
	must(t, s.Users.Create(ctx(t), &bot))
	r := newRoom(t, s, "room", owner, false)
	// The assistant joins every room first; it never inherits one.
	join(t, s, r, bot)
	for i, u := range []parley.User{m1, a1, a2} {
		_, err := s.Memberships.Add(ctx(t), parley.Membership{RoomID: r.ID, UserID: u.ID, Role: parley.RoleMember,
			JoinedAt: baseTime.Add(time.Duration(i+1) * time.Minute)})
		must(t, err)
	}
	must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, a2.ID, parley.RoleAdmin))
	must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, a1.ID, parley.RoleAdmin))

	steps := []struct {
		leaver, heir parley.User
	}{
		{owner, a1}, // the first admin, though a member joined before
		{a1, a2},
		{a2, m1}, // no admin left: the first member
	}
	for _, st := range steps {
		next, err := s.RoomAdmin.Leave(ctx(t), r.ID, st.leaver.ID)
		must(t, err)
		want := parley.Membership{RoomID: r.ID, UserID: st.heir.ID, Role: parley.RoleOwner}
		if next == nil || next.RoomID != want.RoomID || next.UserID != want.UserID || next.Role != want.Role {
			t.Fatalf("%s left: heir %+v, want %s as owner", st.leaver.Username, next, st.heir.Username)
		}
		if got := role(t, s, r, st.heir); got != parley.RoleOwner {
			t.Fatalf("%s left: heir's stored role %q", st.leaver.Username, got)
		}
		stored, err := s.Rooms.ByID(ctx(t), r.ID)
		must(t, err)
		if stored.OwnerID != st.heir.ID {
			t.Fatalf("%s left: ownerId %q, want %s's", st.leaver.Username, stored.OwnerID, st.heir.Username)
		}
		members, err := s.Memberships.Members(ctx(t), r.ID)
		must(t, err)
		owners := 0
		for _, m := range members {
			if m.Role == parley.RoleOwner {
				owners++
			}
		}
		if owners != 1 {
			t.Fatalf("%s left: %d owners among %d members", st.leaver.Username, owners, len(members))
		}
	}
	next, err := s.RoomAdmin.Leave(ctx(t), r.ID, m1.ID)
	must(t, err)
	if next != nil {
		t.Fatalf("the last person out named an heir: %+v", *next)
	}
	stored, err := s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	if stored.OwnerID != "" {
		t.Fatalf("an empty room still has owner %q", stored.OwnerID)
	}
}

// However an owner's leave and a demotion of the heir interleave, the room
// ends with exactly one owner, the one its ownerId names.
func testOwnerLeavesDuringSetRole(t *testing.T, s *store.Store) {
	owner, a, m := newUser(t, s, "own"), newUser(t, s, "adm"), newUser(t, s, "mem")
	for i := range 10 {
		r := newRoom(t, s, "room", owner, false)
		join(t, s, r, a)
		join(t, s, r, m)
		must(t, s.RoomAdmin.SetRole(ctx(t), r.ID, a.ID, parley.RoleAdmin))
		var wg sync.WaitGroup
		var leaveErr, roleErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, leaveErr = s.RoomAdmin.Leave(ctx(t), r.ID, owner.ID) }()
		go func() { defer wg.Done(); roleErr = s.RoomAdmin.SetRole(ctx(t), r.ID, a.ID, parley.RoleMember) }()
		wg.Wait()
		must(t, leaveErr)
		if roleErr != nil {
			wantCode(t, roleErr, parley.CodeBadRequest) // a was owner by then
		}
		members, err := s.Memberships.Members(ctx(t), r.ID)
		must(t, err)
		var owners []string
		for _, mb := range members {
			if mb.Role == parley.RoleOwner {
				owners = append(owners, mb.User.ID)
			}
		}
		stored, err := s.Rooms.ByID(ctx(t), r.ID)
		must(t, err)
		if len(owners) != 1 || stored.OwnerID != owners[0] {
			t.Fatalf("round %d: owners %v, ownerId %q", i, owners, stored.OwnerID)
		}
	}
}
