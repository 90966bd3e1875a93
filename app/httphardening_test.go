package app

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ws "github.com/gorilla/websocket"
)

// fetch answers a request with its response headers and body.
func (n *node) fetch(method, path, token, accept string) (*http.Response, string) {
	n.t.Helper()
	req, err := http.NewRequest(method, n.base+path, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := n.client.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		n.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return res, string(b)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	n := boot(t, testConfig(t, t.TempDir()))
	token := n.register("hedy")
	const bare = "frame-ancestors 'none'"
	for _, tt := range []struct {
		name, method, path, token, accept string
		status                            int
		csp                               string // "": the page's own policy
	}{
		{"page", "GET", "/", "", "text/html", 200, ""},
		{"REST success", "GET", "/api/me", token, "", 200, bare},
		{"REST public", "GET", "/api/config", "", "", 200, bare},
		{"REST 404", "GET", "/api/no-such-thing", token, "", 404, bare},
		{"unmatched route 404", "GET", "/no-such-file.js", "", "", 404, bare},
		{"REST 401", "GET", "/api/me", "", "", 401, bare},
		{"healthz", "GET", "/healthz", "", "", 200, bare},
		{"readyz", "GET", "/readyz", "", "", 200, bare},
		{"metrics", "GET", "/metrics", "", "", 200, bare},
		{"socket.io polling handshake", "GET", "/socket.io/?EIO=4&transport=polling", "", "", 200, bare},
	} {
		res, body := n.fetch(tt.method, tt.path, tt.token, tt.accept)
		if res.StatusCode != tt.status {
			t.Errorf("%s: %s %s = %d %q, want %d", tt.name, tt.method, tt.path, res.StatusCode, body, tt.status)
		}
		want := map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": tt.csp,
		}
		for k, v := range want {
			got := res.Header.Values(k)
			if len(got) != 1 {
				t.Errorf("%s: %s = %q, want exactly one", tt.name, k, got)
				continue
			}
			if v == "" {
				// The built UI's page keeps its fuller policy, which forbids
				// framing too (server/home_test.go checks it exactly); a
				// test binary has no UI and answers the bare one.
				if !strings.HasSuffix(got[0], "frame-ancestors 'none'") {
					t.Errorf("%s: %s = %q, want a policy ending in frame-ancestors 'none'", tt.name, k, got[0])
				}
				continue
			}
			if got[0] != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, got[0], v)
			}
		}
	}
}

func TestSecurityHeadersOnMetricsListener(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MetricsAddr = "127.0.0.1:0"
	n := boot(t, cfg)
	res, err := n.client.Get("http://" + n.m.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("metrics listener: %d %v", res.StatusCode, res.Header)
	}
}

// A client that sends its headers, then its body a byte at a time, is cut
// off once the read timeout passes, and the node keeps serving others.
func TestSlowBodyIsCutOff(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.PingInterval = 300 * time.Millisecond
	cfg.HTTPReadTimeout = time.Second
	n := boot(t, cfg)

	conn, err := net.Dial("tcp", n.m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const bodyLen = 1000 // at 10 bytes a second: 100 s, were it not cut
	if _, err := io.WriteString(conn, "POST /api/auth/login HTTP/1.1\r\nHost: parley\r\n"+
		"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 1; i < bodyLen; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()

	// Others are served meanwhile.
	if status, body := n.do("GET", "/healthz", "", ""); status != 200 {
		t.Fatalf("healthz while a body dribbles: %d %q", status, body)
	}
	// The server answers (or not) and closes: reading ends well before the
	// body could have been sent.
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the slow body's connection is still open after 30s")
	}
	if status, body := n.do("GET", "/healthz", "", ""); status != 200 {
		t.Fatalf("healthz after the slow body: %d %q", status, body)
	}
}

// A keep-alive connection left idle after a request is closed by the node
// after the idle timeout.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.HTTPIdleTimeout = 500 * time.Millisecond
	n := boot(t, cfg)

	conn, err := net.Dial("tcp", n.m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Close {
		t.Fatalf("healthz: %d, close %v; want 200 on a kept-alive connection", res.StatusCode, res.Close)
	}
	// The read timeout (ping interval + 15s = 40s) would close it too, but
	// far later than this deadline.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	n2, err := br.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("idle keep-alive connection still open after 20s")
	}
	if err != io.EOF {
		t.Fatalf("idle connection: read %d bytes, %v; want EOF", n2, err)
	}
}

// A long-poll waits until the next ping, a whole ping interval when there
// is nothing else to send; the read and write timeouts, just above the
// interval, do not cut it, and the session goes on.
func TestLongPollOutlastsPingInterval(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.PingInterval = 2 * time.Second
	cfg.PingTimeout = 5 * time.Second
	cfg.HTTPReadTimeout = 2500 * time.Millisecond
	cfg.HTTPWriteTimeout = 2500 * time.Millisecond
	n := boot(t, cfg)
	sid := n.socketIOConnect(n.register("grace"))
	q := "/socket.io/?EIO=4&transport=polling&sid=" + sid
	for pings := 0; pings < 2; {
		status, body := n.do("GET", q, "", "")
		if status != 200 {
			t.Fatalf("poll %d: %d %q", pings, status, body)
		}
		for _, p := range strings.Split(body, "\x1e") {
			if p == "2" {
				pings++
				if status, body := n.do("POST", q, "", "3"); status != 200 {
					t.Fatalf("pong: %d %q", status, body)
				}
			}
			if p == "1" {
				t.Fatalf("session closed by the node: %q", body)
			}
		}
	}
}

// WebSocket connections are hijacked, so the read and write timeouts,
// shorter here than the connection lives, do not end them.
func TestWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.PingInterval = 500 * time.Millisecond
	cfg.PingTimeout = 5 * time.Second
	cfg.HTTPReadTimeout = time.Second
	cfg.HTTPWriteTimeout = time.Second
	n := boot(t, cfg)
	c, _, err := ws.DefaultDialer.Dial("ws://"+n.m.Addr()+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	for pings := 0; pings < 2 || time.Since(start) < 3*cfg.HTTPWriteTimeout; {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("after %d pings (%s): %v", pings, time.Since(start), err)
		}
		if string(msg) == "2" {
			pings++
			if err := c.WriteMessage(ws.TextMessage, []byte("3")); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestHTTPTimeoutsConfig(t *testing.T) {
	c, err := LoadConfig(envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, w, i := c.httpTimeouts(); r != 40*time.Second || w != 40*time.Second || i != 120*time.Second {
		t.Errorf("default timeouts: read %s write %s idle %s, want 40s 40s 120s (ping interval 25s + 15s)", r, w, i)
	}
	c, err = LoadConfig(envOf(map[string]string{"PARLEY_PING_INTERVAL": "60s"}), []string{"-http-idle-timeout=30s"})
	if err != nil {
		t.Fatal(err)
	}
	if r, w, i := c.httpTimeouts(); r != 75*time.Second || w != 75*time.Second || i != 30*time.Second {
		t.Errorf("ping interval 60s: read %s write %s idle %s, want 75s 75s 30s", r, w, i)
	}
	for _, env := range []string{"PARLEY_HTTP_READ_TIMEOUT", "PARLEY_HTTP_WRITE_TIMEOUT"} {
		_, err := LoadConfig(envOf(map[string]string{env: "25s"}), nil)
		if err == nil || !strings.Contains(err.Error(), env) || !strings.Contains(err.Error(), "PARLEY_PING_INTERVAL") {
			t.Errorf("%s=25s with the default 25s ping interval: %v, want an error naming both", env, err)
		}
		if _, err := LoadConfig(envOf(map[string]string{env: "26s"}), nil); err != nil {
			t.Errorf("%s=26s: %v", env, err)
		}
	}
}

// Before the store opens, the gate answers 503 with the same headers.
func TestSecurityHeadersWhileStarting(t *testing.T) {
	var g gate
	for _, path := range []string{"/healthz", "/api/me"} {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		for k, v := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "frame-ancestors 'none'",
		} {
			if got := rec.Header().Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("starting, GET %s: %s = %q, want [%q]", path, k, got, v)
			}
		}
	}
}
