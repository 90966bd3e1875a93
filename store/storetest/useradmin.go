package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var userAdminTests = []test{
	{"UserAdmin/ListByUsername", testUserAdminList},
	{"UserAdmin/FlagsRoundTrip", testUserAdminFlags},
	{"UserAdmin/NotFound", testUserAdminNotFound},
	{"Rooms/GroupsListsPrivateToo", testRoomGroups},
}

func testUserAdminList(t *testing.T, s *store.Store) {
	for _, n := range []string{"carol", "alice", "bob"} {
		newUser(t, s, n)
	}
	users, err := s.UserAdmin.List(ctx(t))
	must(t, err)
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	if !slices.Equal(names, []string{"alice", "bob", "carol"}) {
		t.Fatalf("List = %v, want [alice bob carol]", names)
	}
}

// The flags start false, are read back by every lookup, and setting one
// leaves the other and the rest of the account alone.
func testUserAdminFlags(t *testing.T, s *store.Store) {
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	got, err := s.Users.ByID(ctx(t), ann.ID)
	must(t, err)
	if got.Admin || got.Disabled {
		t.Fatalf("a new account: %+v", *got)
	}
	must(t, s.UserAdmin.SetAdmin(ctx(t), ann.ID, true))
	must(t, s.UserAdmin.SetAdmin(ctx(t), ann.ID, true)) // again: no change, no error
	must(t, s.UserAdmin.SetDisabled(ctx(t), bob.ID, true))

	wantAnn, wantBob := ann, bob
	wantAnn.Admin, wantBob.Disabled = true, true
	got, err = s.Users.ByID(ctx(t), ann.ID)
	must(t, err)
	if *got != wantAnn {
		t.Fatalf("ByID after SetAdmin = %+v, want %+v", *got, wantAnn)
	}
	got, err = s.Users.ByUsername(ctx(t), "bob")
	must(t, err)
	if *got != wantBob {
		t.Fatalf("ByUsername after SetDisabled = %+v, want %+v", *got, wantBob)
	}
	byIDs, err := s.Users.ByIDs(ctx(t), []string{ann.ID, bob.ID})
	must(t, err)
	slices.SortFunc(byIDs, func(a, b parley.User) int { return strings.Compare(a.Username, b.Username) })
	if len(byIDs) != 2 || byIDs[0] != wantAnn || byIDs[1] != wantBob {
		t.Fatalf("ByIDs = %+v", byIDs)
	}
	all, err := s.UserAdmin.List(ctx(t))
	must(t, err)
	if !slices.Equal(all, []parley.User{wantAnn, wantBob}) {
		t.Fatalf("List = %+v", all)
	}

	must(t, s.UserAdmin.SetAdmin(ctx(t), ann.ID, false))
	must(t, s.UserAdmin.SetDisabled(ctx(t), bob.ID, false))
	all, err = s.UserAdmin.List(ctx(t))
	must(t, err)
	if !slices.Equal(all, []parley.User{ann, bob}) {
		t.Fatalf("List after clearing both flags = %+v, want %+v", all, []parley.User{ann, bob})
	}
}

func testUserAdminNotFound(t *testing.T, s *store.Store) {
	wantCode(t, s.UserAdmin.SetAdmin(ctx(t), "nobody", true), parley.CodeNotFound)
	wantCode(t, s.UserAdmin.SetDisabled(ctx(t), "nobody", true), parley.CodeNotFound)
}

func testRoomGroups(t *testing.T, s *store.Store) {
	a, b := newUser(t, s, "amy"), newUser(t, s, "bill")
	newRoom(t, s, "zebra", a, false)
	newRoom(t, s, "apple", a, false)
	secret := newRoom(t, s, "secret", a, true)
	_, _, err := s.Rooms.OpenDirect(ctx(t), &parley.Room{ID: parley.NewID(), Name: "amy+bill", CreatedAt: baseTime}, a.ID, b.ID)
	must(t, err)

	rooms, err := s.Rooms.Groups(ctx(t))
	must(t, err)
	var names []string
	for _, r := range rooms {
		names = append(names, r.Name)
		if r.Name == "secret" && (!r.Private || r.ID != secret.ID) {
			t.Fatalf("Groups: the private room reads %+v", r)
		}
	}
	if !slices.Equal(names, []string{"apple", "secret", "zebra"}) {
		t.Fatalf("Groups = %v, want [apple secret zebra]", names)
	}
}
