package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-chat/parley/server"
)

// A browser page of another origin must not open sockets with a user's
// token unless that origin is allowed; the same origin and clients without
// an Origin header (not browsers) may.
func TestSocketOrigin(t *testing.T) {
	ts := newTestServer(t, func(c *server.Config) { c.AllowedOrigins = []string{"https://app.example"} })
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"", http.StatusOK},
		{"http://example.com", http.StatusOK}, // httptest's Host
		{"https://app.example", http.StatusOK},
		{"https://evil.example", http.StatusForbidden},
		{"http://example.com.evil.example", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=polling", nil)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		rec := httptest.NewRecorder()
		ts.handler.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("Origin %q: status %d, want %d (%s)", tc.origin, rec.Code, tc.want, rec.Body)
			continue
		}
		body := rec.Body.String()
		if tc.want == http.StatusOK && !strings.Contains(body, `"sid"`) {
			t.Errorf("Origin %q: no Engine.IO open packet in %q", tc.origin, body)
		}
		if tc.want == http.StatusForbidden {
			var e struct {
				Error struct{ Code string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "FORBIDDEN" {
				t.Errorf("Origin %q: body %q, want the FORBIDDEN error shape", tc.origin, body)
			}
		}
	}
}
