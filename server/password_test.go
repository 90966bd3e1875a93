package server_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley"
)

func TestChangePassword(t *testing.T) {
	s := newTestServer(t)
	mine := s.register("alice", "password1")
	other := s.login("alice", "password1")
	bob := s.register("bob", "password1")

	res := s.do("POST", "/api/me/password", mine, map[string]string{"current": "password1", "password": "password2"})
	if res.Status != http.StatusNoContent || res.Raw != "" {
		t.Fatalf("change password: %d %q, want 204 and no body", res.Status, res.Raw)
	}
	if res := s.do("GET", "/api/me", mine, nil); res.Status != http.StatusOK {
		t.Fatalf("the token that changed the password: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do("GET", "/api/me", other, nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	if res := s.do("GET", "/api/me", bob, nil); res.Status != http.StatusOK {
		t.Fatalf("another user's token: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do("POST", "/api/auth/login", "", map[string]string{"username": "alice", "password": "password1"}),
		http.StatusUnauthorized, parley.CodeUnauthorized)
	fresh := s.login("alice", "password2")
	if res := s.do("GET", "/api/me", fresh, nil); res.Status != http.StatusOK {
		t.Fatalf("a token from the new password: %d %s", res.Status, res.Raw)
	}
}

func TestChangePasswordRefused(t *testing.T) {
	s := newTestServer(t)
	mine := s.register("alice", "password1")
	other := s.login("alice", "password1")
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   parley.Code
	}{
		{"wrong current password", map[string]string{"current": "password9", "password": "password2"}, http.StatusUnauthorized, parley.CodeUnauthorized},
		{"weak new password", map[string]string{"current": "password1", "password": "short"}, http.StatusBadRequest, parley.CodeBadRequest},
		{"no new password", map[string]string{"current": "password1"}, http.StatusBadRequest, parley.CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, s.do("POST", "/api/me/password", mine, tc.body), tc.status, tc.code)
		})
	}
	if msg := wantError(t, s.do("POST", "/api/me/password", mine, map[string]string{"current": "nope-nope", "password": "password2"}),
		http.StatusUnauthorized, parley.CodeUnauthorized); msg != "the current password is wrong" {
		t.Errorf("wrong current password: message %q", msg)
	}
	wantError(t, s.do("POST", "/api/me/password", "", map[string]string{"current": "password1", "password": "password2"}),
		http.StatusUnauthorized, parley.CodeUnauthorized)
	// Nothing changed: both tokens work and the old password still logs in.
	for _, tok := range []string{mine, other} {
		if res := s.do("GET", "/api/me", tok, nil); res.Status != http.StatusOK {
			t.Fatalf("a token after refused changes: %d %s", res.Status, res.Raw)
		}
	}
	s.login("alice", "password1")
}
