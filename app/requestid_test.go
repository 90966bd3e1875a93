package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Before the store opens, the gate's 503 carries a request id too.
func TestRequestIDWhileStarting(t *testing.T) {
	var g gate
	for id, want := range map[string]*regexp.Regexp{
		"proxy-1.a_B":           regexp.MustCompile(`^proxy-1\.a_B$`),
		"not a sane id":         regexp.MustCompile(`^[A-Za-z0-9]{32}$`),
		strings.Repeat("x", 65): regexp.MustCompile(`^[A-Za-z0-9]{32}$`),
	} {
		req := httptest.NewRequest("GET", "/api/me", nil)
		req.Header.Set("X-Request-Id", id)
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if !want.MatchString(got) {
			t.Errorf("X-Request-Id %q sent, %q answered", id, got)
		}
		body := `{"error":{"code":"UNAVAILABLE","message":"not ready: starting"},"requestId":"` + got + `"}`
		if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != body {
			t.Errorf("starting: %d %s, want 503 %s", rec.Code, rec.Body, body)
		}
	}
}

// A socket's log lines carry the request id of the handshake that opened
// its connection, and its socket id.
func TestSocketLogsCarryTheHandshakeRequestID(t *testing.T) {
	n := boot(t, testConfig(t, t.TempDir()))
	tok := n.register("alice")
	_, body := n.do("GET", "/api/me", tok, "")
	var me struct{ User struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.User.ID == "" {
		t.Fatalf("/api/me: %s", body)
	}

	req, _ := http.NewRequest("GET", n.base+"/socket.io/?EIO=4&transport=polling", nil)
	req.Header.Set("X-Request-Id", "handshake-probe-7")
	res, err := n.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := res.Header.Get("X-Request-Id"); res.StatusCode != http.StatusOK || got != "handshake-probe-7" {
		t.Fatalf("handshake: %d, X-Request-Id %q: %s", res.StatusCode, got, b)
	}
	var open struct{ Sid string }
	if err := json.Unmarshal(b[1:], &open); err != nil || open.Sid == "" {
		t.Fatalf("handshake %q: %v", b, err)
	}
	q := "/socket.io/?EIO=4&transport=polling&sid=" + open.Sid
	n.emit(q, `40{"token":"`+tok+`"}`)
	_, connect := n.do("GET", q, "", "")
	var sock struct{ Sid string }
	if err := json.Unmarshal([]byte(strings.TrimPrefix(connect, "40")), &sock); err != nil || sock.Sid == "" {
		t.Fatalf("connect answer %q: %v", connect, err)
	}
	if status, body := n.do("POST", "/api/auth/logout", tok, ""); status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", status, body)
	}

	fields := " requestId=handshake-probe-7 socket=" + sock.Sid + "\n"
	for _, want := range []string{
		`level=DEBUG msg="socket connected" user=` + me.User.ID + ` transport=polling` + fields,
		`level=INFO msg="session ended" user=` + me.User.ID + ` reason=revoked` + fields,
	} {
		found := false
		for deadline := time.Now().Add(5 * time.Second); !found && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			found = strings.Contains(n.logs.String(), want)
		}
		if !found {
			t.Errorf("no line ending %q in the log:\n%s", want, n.logs)
		}
	}
}
