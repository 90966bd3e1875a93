package server_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
)

func wireUser(id, username, displayName string, kind parley.UserKind) map[string]any {
	return map[string]any{"id": id, "username": username, "displayName": displayName, "kind": string(kind)}
}

func (s *testServer) idOf(username string) string {
	s.t.Helper()
	u, err := s.st.Users.ByUsername(s.t.Context(), username)
	if err != nil {
		s.t.Fatal(err)
	}
	return u.ID
}

func TestSearchUsers(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	s.register("albert", "password1")
	s.register("bob", "password1")
	bot := parley.User{ID: "bot-1", Username: "assistant", DisplayName: "Assistant", Kind: parley.KindBot}
	if err := s.st.Users.Create(t.Context(), &bot); err != nil {
		t.Fatal(err)
	}
	alice, albert := s.idOf("alice"), s.idOf("albert")

	res := s.do(http.MethodGet, "/api/users?q=AL", tok, nil)
	want := map[string]any{"users": []any{
		wireUser(albert, "albert", "albert", parley.KindHuman),
		wireUser(alice, "alice", "alice", parley.KindHuman),
	}}
	if res.Status != http.StatusOK || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("GET /api/users?q=AL = %d %s", res.Status, res.Raw)
	}
	// The assistant can be found; the system account ("parley") cannot.
	res = s.do(http.MethodGet, "/api/users?q=a&limit=1", tok, nil)
	want = map[string]any{"users": []any{wireUser(albert, "albert", "albert", parley.KindHuman)}}
	if res.Status != http.StatusOK || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("GET /api/users?q=a&limit=1 = %d %s", res.Status, res.Raw)
	}
	res = s.do(http.MethodGet, "/api/users?q=Assist", tok, nil)
	want = map[string]any{"users": []any{wireUser("bot-1", "assistant", "Assistant", parley.KindBot)}}
	if res.Status != http.StatusOK || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("GET /api/users?q=Assist = %d %s", res.Status, res.Raw)
	}
	res = s.do(http.MethodGet, "/api/users?q=parley", tok, nil)
	if res.Status != http.StatusOK || res.Raw != `{"users":[]}`+"\n" {
		t.Fatalf("GET /api/users?q=parley = %d %q, want no one", res.Status, res.Raw)
	}
	for _, q := range []string{"limit=0", "limit=51", "limit=x"} {
		wantError(t, s.do(http.MethodGet, "/api/users?q=a&"+q, tok, nil), http.StatusBadRequest, parley.CodeBadRequest)
	}
	wantError(t, s.do(http.MethodGet, "/api/users?q=a", "", nil), http.StatusUnauthorized, parley.CodeUnauthorized)
}

func TestUpdateMe(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("carol", "password1")
	id := s.idOf("carol")

	res := s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": "  Carol C.  "})
	want := map[string]any{"user": wireUser(id, "carol", "Carol C.", parley.KindHuman)}
	if res.Status != http.StatusOK || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("PATCH /api/me = %d %s", res.Status, res.Raw)
	}
	me := s.do(http.MethodGet, "/api/me", tok, nil)
	if !reflect.DeepEqual(me.Body, want) {
		t.Fatalf("GET /api/me after the change = %s", me.Raw)
	}
	// An empty name goes back to the username, as at registration.
	res = s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": " "})
	want = map[string]any{"user": wireUser(id, "carol", "carol", parley.KindHuman)}
	if res.Status != http.StatusOK || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("PATCH /api/me with an empty name = %d %s", res.Status, res.Raw)
	}

	for _, name := range []string{"Evil\u202Eeman", "a\u2067b", "tab\there", "bell\x07", "ASSISTANT", "@assistant", "Parley", "admin"} {
		res := s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": name})
		wantError(t, res, http.StatusBadRequest, parley.CodeBadRequest)
	}
	res = s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": strings.Repeat("é", 65)})
	wantError(t, res, http.StatusRequestEntityTooLarge, parley.CodeTooLarge)
	res = s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": strings.Repeat("é", 64)})
	if res.Status != http.StatusOK {
		t.Fatalf("a 64-character name: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do(http.MethodPatch, "/api/me", tok, map[string]any{}), http.StatusBadRequest, parley.CodeBadRequest)
	wantError(t, s.do(http.MethodPatch, "/api/me", tok, map[string]any{"displayName": 5}), http.StatusBadRequest, parley.CodeBadRequest)
	wantError(t, s.do(http.MethodPatch, "/api/me", "", map[string]any{"displayName": "x"}), http.StatusUnauthorized, parley.CodeUnauthorized)
	u, err := s.st.Users.ByID(t.Context(), id)
	if err != nil || u.DisplayName != strings.Repeat("é", 64) {
		t.Fatalf("stored display name %q, %v: %s", u.DisplayName, err, fmt.Sprint(u))
	}
}
