package server_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley"
)

func (s *testServer) login(username, password string) string {
	s.t.Helper()
	res := s.do("POST", "/api/auth/login", "", map[string]string{"username": username, "password": password})
	tok, _ := res.Body["token"].(string)
	if res.Status != http.StatusOK || tok == "" {
		s.t.Fatalf("login %s: %d %s", username, res.Status, res.Raw)
	}
	return tok
}

func TestLogoutRevokesTheToken(t *testing.T) {
	s := newTestServer(t)
	tokA := s.register("alice", "password1")
	tokB := s.login("alice", "password1")
	tokBob := s.register("bob", "password1")

	res := s.do("POST", "/api/auth/logout", tokA, nil)
	if res.Status != http.StatusNoContent || res.Raw != "" {
		t.Fatalf("logout: %d %q, want 204 and no body", res.Status, res.Raw)
	}
	wantError(t, s.do("GET", "/api/me", tokA, nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	wantError(t, s.do("POST", "/api/auth/logout", tokA, nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	if res := s.do("GET", "/api/me", tokB, nil); res.Status != http.StatusOK {
		t.Fatalf("alice's other token after logging out one: %d %s", res.Status, res.Raw)
	}

	if res := s.do("POST", "/api/auth/logout/everywhere", tokB, nil); res.Status != http.StatusNoContent {
		t.Fatalf("logout everywhere: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do("GET", "/api/me", tokB, nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	if res := s.do("GET", "/api/me", tokBob, nil); res.Status != http.StatusOK {
		t.Fatalf("bob's token after alice logged out everywhere: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do("POST", "/api/auth/logout", "", nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	wantError(t, s.do("POST", "/api/auth/logout/everywhere", "", nil), http.StatusUnauthorized, parley.CodeUnauthorized)
}
