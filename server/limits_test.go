package server_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server"
)

// login posts wrong credentials for username from remote (host:port),
// with an X-Forwarded-For when xff is set.
func (s *testServer) loginFrom(remote, xff, username string) *httptest.ResponseRecorder {
	s.t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": "wrong-password"})
	req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remote
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

func wantLimited(t *testing.T, rec *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	var body struct {
		Error struct {
			Code    parley.Code `json:"code"`
			Message string      `json:"message"`
		} `json:"error"`
		RequestID string `json:"requestId"`
	}
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Error.Code != parley.CodeRateLimited || body.Error.Message == "" ||
		body.RequestID == "" || body.RequestID != rec.Header().Get("X-Request-Id") {
		t.Errorf("body %+v (%v), want {error:{code:RATE_LIMITED,message},requestId} with the X-Request-Id", body, err)
	}
}

func authPerIP(burst int, trusted ...string) func(*server.Config) {
	return func(c *server.Config) {
		c.Limits.AuthPerIP = rooms.Limit{Rate: rooms.Rate{PerSecond: 0.01, Burst: burst}}
		for _, cidr := range trusted {
			_, n, err := net.ParseCIDR(cidr)
			if err != nil {
				panic(err)
			}
			c.Limits.TrustedProxies = append(c.Limits.TrustedProxies, n)
		}
	}
}

func TestLoginLimitedPerClientIP(t *testing.T) {
	s := newTestServer(t, authPerIP(2, "10.0.0.0/8"))
	// Behind the trusted proxy, each client has its budget.
	for range 2 {
		if rec := s.loginFrom("10.1.2.3:5000", "203.0.113.1", "nobody"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("within the burst: %d %s", rec.Code, rec.Body)
		}
	}
	wantLimited(t, s.loginFrom("10.1.2.3:5000", "203.0.113.1", "someone"), "100")
	if rec := s.loginFrom("10.1.2.3:5000", "203.0.113.2", "nobody"); rec.Code != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d %s", rec.Code, rec.Body)
	}
	// A client that is not a trusted proxy cannot pick its address.
	for range 2 {
		if rec := s.loginFrom("192.0.2.7:5000", "", "nobody"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("direct client within the burst: %d %s", rec.Code, rec.Body)
		}
	}
	wantLimited(t, s.loginFrom("192.0.2.7:5000", "203.0.113.99", "nobody"), "100")
}

func TestForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	s := newTestServer(t, authPerIP(1))
	if rec := s.loginFrom("10.1.2.3:5000", "203.0.113.1", "nobody"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("first: %d %s", rec.Code, rec.Body)
	}
	// Even a private address is no proxy unless configured as one.
	wantLimited(t, s.loginFrom("10.1.2.3:5000", "203.0.113.2", "nobody"), "100")
}

func TestLoginLimitedPerUsername(t *testing.T) {
	s := newTestServer(t, func(c *server.Config) {
		c.Limits.LoginPerAccount = rooms.Limit{Rate: rooms.Rate{PerSecond: 0.05, Burst: 2}}
	})
	s.register("victim", "correct-horse-9")
	for i, addr := range []string{"192.0.2.1:1", "192.0.2.2:1"} {
		if rec := s.loginFrom(addr, "", "victim"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	// The budget is the username's, whatever its case and address.
	wantLimited(t, s.loginFrom("192.0.2.3:1", "", " VICTIM"), "20")
	if rec := s.loginFrom("192.0.2.3:1", "", "bystander"); rec.Code != http.StatusUnauthorized {
		t.Errorf("another username: %d %s", rec.Code, rec.Body)
	}
}
