package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/parley-chat/parley/server"
)

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonLogs is a test server whose log is JSON lines in a buffer.
func jsonLogs(buf *lockedBuffer) func(*server.Config) {
	return func(c *server.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
}

// logLines decodes every line; time and duration, which vary, are checked
// for their type and removed.
func logLines(t *testing.T, text string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if _, ok := m["time"].(string); !ok {
			t.Errorf("log line without a time: %q", line)
		}
		delete(m, "time")
		if m["msg"] == "http request" {
			if d, ok := m["duration"].(float64); !ok || d < 0 {
				t.Errorf("access line without a duration in nanoseconds: %q", line)
			}
			delete(m, "duration")
		}
		out = append(out, m)
	}
	return out
}

var generatedRequestID = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

func TestRequestIDs(t *testing.T) {
	s := newTestServer(t)
	get := func(path, id string) response {
		req := httptest.NewRequest("GET", path, nil)
		if id != "" {
			req.Header.Set("X-Request-Id", id)
		}
		return s.serve(req)
	}

	// A sane id from the proxy is kept, in the header and the error body.
	long := strings.Repeat("a", 64)
	for _, id := range []string{"0f3c9a7e2b1d4c5a", "nginx.req_id-42", long} {
		res := get("/api/me", id)
		wantError(t, res, http.StatusUnauthorized, "UNAUTHORIZED")
		if got := res.Header.Get("X-Request-Id"); got != id {
			t.Errorf("X-Request-Id %q sent, %q answered", id, got)
		}
	}
	// Anything else is replaced by an id of the server's.
	for _, id := range []string{long + "a", "with space", "quote\"d", "semi;colon", "é"} {
		res := get("/api/me", id)
		wantError(t, res, http.StatusUnauthorized, "UNAUTHORIZED")
		if got := res.Header.Get("X-Request-Id"); !generatedRequestID.MatchString(got) {
			t.Errorf("X-Request-Id %q sent, %q answered, want a generated id", id, got)
		}
	}
	// Every request has one, a successful one and a probe too, each its own.
	a, b := get("/healthz", ""), get("/api/config", "")
	for _, res := range []response{a, b} {
		if res.Status != http.StatusOK || !generatedRequestID.MatchString(res.Header.Get("X-Request-Id")) {
			t.Errorf("%d with X-Request-Id %q, want 200 and a generated id", res.Status, res.Header.Get("X-Request-Id"))
		}
	}
	if a.Header.Get("X-Request-Id") == b.Header.Get("X-Request-Id") {
		t.Error("two requests got the same id")
	}
}

func TestAccessLog(t *testing.T) {
	logs := &lockedBuffer{}
	s := newTestServer(t, jsonLogs(logs))
	const password = "pass-Word-7781"
	res := s.do("POST", "/api/auth/register", "", map[string]string{"username": "alice", "password": password})
	if res.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.Status, res.Raw)
	}
	token, _ := res.Body["token"].(string)
	user, _ := res.Body["user"].(map[string]any)
	userID, _ := user["id"].(string)
	registerID := res.Header.Get("X-Request-Id")

	send := func(method, target, token, id string) response {
		req := httptest.NewRequest(method, target, nil)
		req.RemoteAddr = "198.51.100.7:40000"
		req.Header.Set("X-Request-Id", id)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return s.serve(req)
	}
	const searchText = "query-secret-5521"
	history := send("GET", "/api/rooms/general/messages?limit=5&before=1000", token, "req-history")
	search := send("GET", "/api/search?q="+searchText, token, "req-search")
	anonymous := send("GET", "/api/rooms", "", "req-anonymous")
	unknown := send("GET", "/api/no/such?sig="+searchText, "", "req-unknown")
	handshake := send("GET", "/socket.io/?EIO=4&transport=polling", "", "req-handshake")
	// Not logged: probes, scrapes, the web UI, a socket's polls.
	for _, target := range []string{"/healthz", "/readyz", "/metrics", "/", "/socket.io/?EIO=4&transport=polling&sid=nope"} {
		send("GET", target, "", "req-quiet")
	}
	for name, r := range map[string]response{"history": history, "search": search, "handshake": handshake} {
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	line := func(id, route, path string, status int, bytes int, userID string) map[string]any {
		m := map[string]any{
			"level": "INFO", "msg": "http request", "requestId": id, "method": "GET", "route": route, "path": path,
			"status": float64(status), "bytes": float64(bytes), "ip": "198.51.100.7",
		}
		if userID != "" {
			m["userId"] = userID
		}
		return m
	}
	registered := map[string]any{"level": "INFO", "msg": "user registered", "user": userID, "username": "alice", "requestId": registerID}
	registerLine := map[string]any{
		"level": "INFO", "msg": "http request", "requestId": registerID, "method": "POST", "route": "/api/auth/register",
		"path": "/api/auth/register", "status": float64(201), "bytes": float64(len(res.Raw)), "ip": "192.0.2.1",
	}
	want := []map[string]any{
		registered,
		registerLine,
		line("req-history", "/api/rooms/:id/messages", "/api/rooms/general/messages", 200, len(history.Raw), userID),
		line("req-search", "/api/search", "/api/search", 200, len(search.Raw), userID),
		line("req-anonymous", "/api/rooms", "/api/rooms", 401, len(anonymous.Raw), ""),
		line("req-unknown", "/api/*", "/api/no/such", 404, len(unknown.Raw), ""),
		line("req-handshake", "/socket.io/*", "/socket.io/", 200, len(handshake.Raw), ""),
	}
	text := logs.String()
	if got := logLines(t, text); !reflect.DeepEqual(got, want) {
		t.Errorf("log lines:\n%s\nwant (without time and duration):\n%v", text, want)
	}
	for what, secret := range map[string]string{"password": password, "token": token, "query": searchText} {
		if strings.Contains(text, secret) {
			t.Errorf("the log contains the %s %q", what, secret)
		}
	}
}
