package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var peopleTests = []test{
	{"People/SearchByUsernameOrDisplayName", testPeopleSearch},
	{"People/SearchIsLiteralAndBounded", testPeopleSearchLiteral},
	{"People/SetDisplayName", testPeopleSetDisplayName},
	{"People/SetPassword", testPeopleSetPassword},
}

func usernames(us []parley.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func searchNames(t *testing.T, s *store.Store, prefix string, limit int) []string {
	t.Helper()
	got, err := s.People.Search(ctx(t), prefix, limit)
	must(t, err)
	return usernames(got)
}

func testPeopleSearch(t *testing.T, s *store.Store) {
	newUser(t, s, "bob")    // "The bob"
	newUser(t, s, "alice")  // "The alice"
	newUser(t, s, "albert") // "The albert"
	bot := parley.User{ID: parley.NewID(), Username: "helper", DisplayName: "Alfred", Kind: parley.KindBot}
	must(t, s.Users.Create(ctx(t), &bot))
	svc := parley.User{ID: parley.NewID(), Username: "alarms", DisplayName: "Alarms", Kind: parley.KindService}
	must(t, s.Users.Create(ctx(t), &svc))

	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"al", []string{"albert", "alice", "helper"}}, // usernames and a display name; never a service
		{"AL", []string{"albert", "alice", "helper"}},
		{"the a", []string{"albert", "alice"}},
		{"bob", []string{"bob"}},
		{"zed", []string{}},
		{"", []string{"albert", "alice", "bob", "helper"}},
	} {
		if got := searchNames(t, s, tc.prefix, 10); !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	got, err := s.People.Search(ctx(t), "ali", 10)
	must(t, err)
	if len(got) != 1 || got[0].DisplayName != "The alice" || got[0].Kind != parley.KindHuman || got[0].PasswordHash != "hash-of-alice" {
		t.Fatalf("Search(ali) = %+v, want the whole account of alice", got)
	}
}

func testPeopleSearchLiteral(t *testing.T, s *store.Store) {
	newUser(t, s, "a_b")
	newUser(t, s, "axb")
	u := parley.User{ID: parley.NewID(), Username: "pct", DisplayName: `50% \off.*`, Kind: parley.KindHuman}
	must(t, s.Users.Create(ctx(t), &u))
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"a_", []string{"a_b"}}, // '_' is no wildcard
		{"%", []string{}},
		{"50%", []string{"pct"}},
		{`50% \`, []string{"pct"}},
		{".*", []string{}}, // nor is a regular expression
		{"(", []string{}},
	} {
		if got := searchNames(t, s, tc.prefix, 10); !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	for i := range store.MaxSearch + 2 {
		newUser(t, s, fmt.Sprintf("many%03d", i))
	}
	if got := searchNames(t, s, "many", 2); !slices.Equal(got, []string{"many000", "many001"}) {
		t.Errorf("Search(many, 2) = %q", got)
	}
	if got := searchNames(t, s, "many", 1000); len(got) != store.MaxSearch {
		t.Errorf("Search(many, 1000) returned %d, want %d", len(got), store.MaxSearch)
	}
	if got := searchNames(t, s, "many", 0); len(got) != 1 {
		t.Errorf("Search(many, 0) returned %d, want 1", len(got))
	}
}

func testPeopleSetDisplayName(t *testing.T, s *store.Store) {
	u := newUser(t, s, "carol")
	got, err := s.People.SetDisplayName(ctx(t), u.ID, "Carol C.")
	must(t, err)
	want := u
	want.DisplayName = "Carol C."
	if *got != want {
		t.Fatalf("SetDisplayName = %+v, want %+v", *got, want)
	}
	again, err := s.Users.ByID(ctx(t), u.ID)
	must(t, err)
	if *again != want {
		t.Fatalf("ByID after SetDisplayName = %+v, want %+v", *again, want)
	}
	_, err = s.People.SetDisplayName(ctx(t), "nobody", "X")
	wantCode(t, err, parley.CodeNotFound)
}

func testPeopleSetPassword(t *testing.T, s *store.Store) {
	u := newUser(t, s, "dave")
	must(t, s.People.SetPassword(ctx(t), u.ID, "new-hash"))
	got, err := s.Users.ByID(ctx(t), u.ID)
	must(t, err)
	want := u
	want.PasswordHash = "new-hash"
	if *got != want {
		t.Fatalf("ByID after SetPassword = %+v, want %+v", *got, want)
	}
	wantCode(t, s.People.SetPassword(ctx(t), "nobody", "h"), parley.CodeNotFound)
	wantCode(t, s.People.SetPassword(ctx(t), u.ID, ""), parley.CodeBadRequest)
}
