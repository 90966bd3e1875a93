package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var userTests = []test{
	{"Users/CreateAndLookup", testUserCreateAndLookup},
	{"Users/UsernameConflictIgnoresCase", testUserConflict},
	{"Users/BadRequest", testUserBadRequest},
	{"Users/NotFound", testUserNotFound},
	{"Users/ByIDsSkipsUnknown", testUserByIDs},
	{"Users/ByUsernamesSkipsUnknown", testUserByUsernames},
}

func testUserCreateAndLookup(t *testing.T, s *store.Store) {
	u := parley.User{
		ID:           parley.NewID(),
		Username:     "Alice",
		DisplayName:  "Alice A.",
		Kind:         parley.KindBot,
		PasswordHash: "$2a$10$hash",
		CreatedAt:    baseTime,
	}
	must(t, s.Users.Create(ctx(t), &u))
	want := u
	want.Username = "alice" // stored lower-case

	got, err := s.Users.ByID(ctx(t), u.ID)
	must(t, err)
	if *got != want {
		t.Fatalf("ByID = %+v, want %+v", *got, want)
	}
	for _, name := range []string{"alice", "ALICE", "aLiCe"} {
		got, err := s.Users.ByUsername(ctx(t), name)
		must(t, err)
		if *got != want {
			t.Fatalf("ByUsername(%q) = %+v, want %+v", name, *got, want)
		}
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt %v is not UTC", got.CreatedAt)
	}
}

func testUserConflict(t *testing.T, s *store.Store) {
	bob := newUser(t, s, "bob")
	other := parley.User{ID: parley.NewID(), Username: "BOB", Kind: parley.KindHuman, CreatedAt: baseTime}
	wantCode(t, s.Users.Create(ctx(t), &other), parley.CodeConflict)

	sameID := parley.User{ID: bob.ID, Username: "robert", Kind: parley.KindHuman, CreatedAt: baseTime}
	wantCode(t, s.Users.Create(ctx(t), &sameID), parley.CodeConflict)

	// Neither failed create left anything behind.
	_, err := s.Users.ByUsername(ctx(t), "robert")
	wantCode(t, err, parley.CodeNotFound)
	got, err := s.Users.ByUsername(ctx(t), "bob")
	must(t, err)
	if got.ID != bob.ID {
		t.Fatalf("bob's id changed to %s", got.ID)
	}
}

func testUserBadRequest(t *testing.T, s *store.Store) {
	wantCode(t, s.Users.Create(ctx(t), &parley.User{Username: "carol", Kind: parley.KindHuman}), parley.CodeBadRequest)
	wantCode(t, s.Users.Create(ctx(t), &parley.User{ID: parley.NewID(), Kind: parley.KindHuman}), parley.CodeBadRequest)
}

func testUserNotFound(t *testing.T, s *store.Store) {
	newUser(t, s, "dave")
	_, err := s.Users.ByID(ctx(t), parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Users.ByUsername(ctx(t), "nobody")
	wantCode(t, err, parley.CodeNotFound)
}

func testUserByIDs(t *testing.T, s *store.Store) {
	a, b := newUser(t, s, "anna"), newUser(t, s, "ben")
	newUser(t, s, "cleo")
	got, err := s.Users.ByIDs(ctx(t), []string{a.ID, parley.NewID(), b.ID, a.ID})
	must(t, err)
	var names []string
	for _, u := range got {
		names = append(names, u.Username)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"anna", "ben"}) {
		t.Fatalf("ByIDs = %v, want [anna ben]", names)
	}

	got, err = s.Users.ByIDs(ctx(t), nil)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("ByIDs(nil) = %v, want none", got)
	}
}

func testUserByUsernames(t *testing.T, s *store.Store) {
	newUser(t, s, "anna")
	newUser(t, s, "ben")
	newUser(t, s, "cleo")
	got, err := s.Users.ByUsernames(ctx(t), []string{"ANNA", "nobody", "ben", "anna"})
	must(t, err)
	var names []string
	for _, u := range got {
		names = append(names, u.Username)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"anna", "ben"}) {
		t.Fatalf("ByUsernames = %v, want [anna ben]", names)
	}
	got, err = s.Users.ByUsernames(ctx(t), nil)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("ByUsernames(nil) = %v, want none", got)
	}
}
