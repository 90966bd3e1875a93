package storetest

import (
	"slices"
	"sync"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var roomTests = []test{
	{"Rooms/CreateMakesOwnerMember", testRoomCreate},
	{"Rooms/CreateErrors", testRoomCreateErrors},
	{"Rooms/PublicListsOpenGroupRooms", testRoomPublic},
	{"Rooms/OpenDirectOncePerPair", testOpenDirect},
	{"Rooms/OpenDirectConcurrent", testOpenDirectConcurrent},
	{"Rooms/OpenDirectErrors", testOpenDirectErrors},
}

func testRoomCreate(t *testing.T, s *store.Store) {
	owner := newUser(t, s, "olga")
	r := parley.Room{ID: parley.NewID(), Name: "lobby", Topic: "hi", Private: true, CreatedAt: baseTime}
	must(t, s.Rooms.Create(ctx(t), &r, owner.ID))

	got, err := s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	want := parley.Room{ID: r.ID, Name: "lobby", Topic: "hi", Kind: parley.RoomGroup, Private: true,
		OwnerID: owner.ID, CreatedAt: baseTime}
	if *got != want {
		t.Fatalf("ByID = %+v, want %+v", *got, want)
	}

	m, err := s.Memberships.Get(ctx(t), r.ID, owner.ID)
	must(t, err)
	if m.Role != parley.RoleOwner || m.ReadSeq != 0 {
		t.Fatalf("owner membership = %+v, want role owner, readSeq 0", *m)
	}
	members, err := s.Memberships.Members(ctx(t), r.ID)
	must(t, err)
	if len(members) != 1 || members[0].User.ID != owner.ID || members[0].Role != parley.RoleOwner {
		t.Fatalf("Members = %+v, want just the owner", members)
	}
}

func testRoomCreateErrors(t *testing.T, s *store.Store) {
	owner := newUser(t, s, "oscar")
	r := newRoom(t, s, "dup", owner, false)

	again := parley.Room{ID: r.ID, Name: "other", CreatedAt: baseTime}
	wantCode(t, s.Rooms.Create(ctx(t), &again, owner.ID), parley.CodeConflict)
	got, err := s.Rooms.ByID(ctx(t), r.ID)
	must(t, err)
	if got.Name != "dup" {
		t.Fatalf("conflicting create renamed the room to %q", got.Name)
	}

	orphan := parley.Room{ID: parley.NewID(), Name: "orphan", CreatedAt: baseTime}
	wantCode(t, s.Rooms.Create(ctx(t), &orphan, parley.NewID()), parley.CodeNotFound)
	_, err = s.Rooms.ByID(ctx(t), orphan.ID)
	wantCode(t, err, parley.CodeNotFound) // atomic: no room without its owner

	wantCode(t, s.Rooms.Create(ctx(t), &parley.Room{Name: "no id"}, owner.ID), parley.CodeBadRequest)
	wantCode(t, s.Rooms.Create(ctx(t), &parley.Room{ID: parley.NewID()}, owner.ID), parley.CodeBadRequest)

	_, err = s.Rooms.ByID(ctx(t), parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
}

func testRoomPublic(t *testing.T, s *store.Store) {
	a, b := newUser(t, s, "amy"), newUser(t, s, "bill")
	newRoom(t, s, "zebra", a, false)
	newRoom(t, s, "apple", a, false)
	newRoom(t, s, "secret", a, true)
	_, _, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), Name: "amy+bill", CreatedAt: baseTime}, a.ID, b.ID)
	must(t, err)

	rooms, err := s.Rooms.Public(ctx(t))
	must(t, err)
	var names []string
	for _, r := range rooms {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"apple", "zebra"}) {
		t.Fatalf("Public = %v, want [apple zebra]", names)
	}
}

func testOpenDirect(t *testing.T, s *store.Store) {
	a, b, c := newUser(t, s, "ada"), newUser(t, s, "bo"), newUser(t, s, "cy")
	first := parley.Room{ID: parley.NewID(), Name: "ada+bo", CreatedAt: baseTime}
	room, created, err := s.Rooms.OpenDirect(ctx(t), &first, a.ID, b.ID)
	must(t, err)
	if !created {
		t.Fatal("first OpenDirect did not report created")
	}
	if room.ID != first.ID || room.Kind != parley.RoomDirect || room.DirectKey != parley.DirectKey(a.ID, b.ID) ||
		room.Name != "ada+bo" || !room.CreatedAt.Equal(baseTime) {
		t.Fatalf("OpenDirect = %+v", *room)
	}

	// The other way round, with a fresh id offered: the same room.
	again, created, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), Name: "bo+ada", CreatedAt: baseTime}, b.ID, a.ID)
	must(t, err)
	if created || again.ID != first.ID {
		t.Fatalf("second OpenDirect = %s created=%v, want %s created=false", again.ID, created, first.ID)
	}

	for _, u := range []parley.User{a, b} {
		m, err := s.Memberships.Get(ctx(t), first.ID, u.ID)
		must(t, err)
		if m.Role != parley.RoleMember {
			t.Fatalf("%s has role %q in the direct room, want member", u.Username, m.Role)
		}
	}
	_, err = s.Memberships.Get(ctx(t), first.ID, c.ID)
	wantCode(t, err, parley.CodeNotFound)

	// A different pair gets a different room.
	other, created, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), Name: "ada+cy", CreatedAt: baseTime}, a.ID, c.ID)
	must(t, err)
	if !created || other.ID == first.ID {
		t.Fatalf("ada+cy: %s created=%v", other.ID, created)
	}
	got, err := s.Rooms.ByID(ctx(t), first.ID)
	must(t, err)
	if got.Kind != parley.RoomDirect || got.DirectKey != parley.DirectKey(a.ID, b.ID) {
		t.Fatalf("ByID(direct) = %+v", *got)
	}
}

func testOpenDirectConcurrent(t *testing.T, s *store.Store) {
	a, b := newUser(t, s, "pat"), newUser(t, s, "quin")
	const callers = 20
	ids := make([]string, callers)
	created := make([]bool, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	c := ctx(t)
	for i := range callers {
		wg.Go(func() {
			<-start
			x, y := a.ID, b.ID
			if i%2 == 1 {
				x, y = y, x
			}
			r, made, err := s.Rooms.OpenDirect(c, &parley.Room{ID: parley.NewID(), Name: "dm", CreatedAt: baseTime}, x, y)
			if err == nil {
				ids[i], created[i] = r.ID, made
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	nCreated := 0
	for i := range callers {
		must(t, errs[i])
		if ids[i] != ids[0] {
			t.Fatalf("callers got different rooms: %s and %s", ids[0], ids[i])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Fatalf("%d callers report creating the room, want 1", nCreated)
	}
	rooms, err := s.Memberships.RoomsOf(ctx(t), a.ID)
	must(t, err)
	if len(rooms) != 1 {
		t.Fatalf("pat is in %d rooms, want 1", len(rooms))
	}
}

func testOpenDirectErrors(t *testing.T, s *store.Store) {
	a := newUser(t, s, "solo")
	_, _, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), CreatedAt: baseTime}, a.ID, a.ID)
	wantCode(t, err, parley.CodeBadRequest)

	ghost := parley.NewID()
	_, _, err = s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), CreatedAt: baseTime}, a.ID, ghost)
	wantCode(t, err, parley.CodeNotFound)
	_, _, err = s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), CreatedAt: baseTime}, ghost, a.ID)
	wantCode(t, err, parley.CodeNotFound)
	rooms, err := s.Memberships.RoomsOf(ctx(t), a.ID)
	must(t, err)
	if len(rooms) != 0 {
		t.Fatalf("failed OpenDirect left rooms behind: %+v", rooms)
	}
}
