package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// user runs `parley user args...` against dataDir with stdin and returns
// its exit status and output.
func user(t *testing.T, dataDir string, stdin passwordInput, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"PARLEY_DATA_DIR": dataDir, "PARLEY_BCRYPT_COST": "4"}
	if stdin.r == nil {
		stdin.r = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	code = userCommand(context.Background(), func(k string) string { return env[k] }, args, stdin, &out, &errOut)
	return code, out.String(), errOut.String()
}

func piped(s string) passwordInput { return passwordInput{r: strings.NewReader(s)} }

func TestUserCommandUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-h"}, {"help"}, {"list", "-h"}, {"promote", "-h"}, {"reset-password", "--help"}, {"disable", "-h"}} {
		code, out, _ := user(t, dir, passwordInput{}, args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: parley user <command>") || !strings.Contains(out, "reset-password [-generate] <username>") {
			t.Errorf("parley user %v: exit %d, stdout %q", args, code, out)
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"promote"}, {"promote", "a", "b"}, {"list", "extra"}, {"enable"}, {"disable", "-generate", "a"}} {
		code, out, errOut := user(t, dir, passwordInput{}, args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "Usage: parley user") {
			t.Errorf("parley user %v: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", args, code, out, errOut)
		}
	}
}

// waitSessionEnded polls a socket until the server ends its session, and
// returns the reason it gave.
func waitSessionEnded(t *testing.T, p *poller) string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		status, body := p.n.do("GET", p.path(), "", "")
		for _, pk := range strings.Split(body, "\x1e") {
			if rest, ok := strings.CutPrefix(pk, "42"); ok {
				var args []json.RawMessage
				if json.Unmarshal([]byte(rest), &args) == nil && len(args) == 2 && string(args[0]) == `"session:ended"` {
					var ev map[string]any
					_ = json.Unmarshal(args[1], &ev)
					reason, _ := ev["reason"].(string)
					return reason
				}
			}
			if pk == "2" {
				p.post("3")
			}
		}
		if status != http.StatusOK {
			t.Fatalf("the socket closed without session:ended: %d %q", status, body)
		}
	}
	t.Fatal("no session:ended within 15s")
	return ""
}

// The commands work on the store of a running node, which sees each change
// at once: a disabled person's socket is dropped, their token refused and
// their login too, until they are enabled again.
func TestUserCommandDisableAgainstARunningNode(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.SessionCheck = 100 * time.Millisecond
	n := boot(t, cfg)
	tok := n.register("alice")
	bob := n.register("bob")
	p := n.poller(tok)
	p.call("history", map[string]any{"room": "general"}) // the connection handler has run

	code, out, errOut := user(t, dir, passwordInput{}, "disable", "Alice")
	if code != 0 || out != "disabled alice: they cannot log in; their sockets are disconnected within seconds\n" {
		t.Fatalf("disable: exit %d\n%s%s", code, out, errOut)
	}
	if reason := waitSessionEnded(t, p); reason != "revoked" {
		t.Errorf("session:ended reason %q, want revoked", reason)
	}
	if status, body := n.do("GET", "/api/me", tok, ""); status != 401 {
		t.Errorf("the disabled person's token: GET /api/me %d %s, want 401", status, body)
	}
	status, body := n.do("POST", "/api/auth/login", "", `{"username":"alice","password":"password1"}`)
	if status != 403 || !regexp.MustCompile(`^\{"error":\{"code":"FORBIDDEN","message":"account disabled"\},"requestId":"[A-Za-z0-9]{32}"\}\n$`).MatchString(body) {
		t.Errorf("login of a disabled account: %d %q", status, body)
	}
	if status, _ := n.do("GET", "/api/me", bob, ""); status != 200 {
		t.Errorf("another person's token: GET /api/me %d", status)
	}

	_, out, _ = user(t, dir, passwordInput{}, "list")
	if !regexp.MustCompile(`(?m)^alice +alice +human +no +yes +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(out) {
		t.Errorf("list after disable:\n%s", out)
	}

	if code, out, _ := user(t, dir, passwordInput{}, "enable", "alice"); code != 0 || out != "enabled alice: they can log in again\n" {
		t.Fatalf("enable: exit %d %q", code, out)
	}
	status, body = n.do("POST", "/api/auth/login", "", `{"username":"alice","password":"password1"}`)
	var s struct{ Token string }
	if status != 200 || json.Unmarshal([]byte(body), &s) != nil || s.Token == "" {
		t.Fatalf("login after enable: %d %s", status, body)
	}
	if status, _ := n.do("GET", "/api/me", s.Token, ""); status != 200 {
		t.Errorf("the new token: GET /api/me %d", status)
	}
	if status, _ := n.do("GET", "/api/me", tok, ""); status != 401 {
		t.Errorf("the token of before the disable, once enabled: GET /api/me %d, want 401", status)
	}
	if code, _, errOut := user(t, dir, passwordInput{}, "disable", "ghost"); code != 1 || errOut != "parley user disable: no user named \"ghost\"\n" {
		t.Errorf("disable of an unknown user: exit %d, %q", code, errOut)
	}
}

func TestUserCommandListPromoteDemote(t *testing.T) {
	dir := t.TempDir()
	n := boot(t, testConfig(t, dir))
	tok := n.register("alice")
	n.register("bob")

	code, out, errOut := user(t, dir, passwordInput{}, "promote", "alice")
	if code != 0 || out != "alice is now a server administrator\n" {
		t.Fatalf("promote: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = user(t, dir, passwordInput{}, "list")
	rows := regexp.MustCompile(`(?m)^(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).FindAllStringSubmatch(out, -1)
	got := map[string]string{}
	for _, r := range rows {
		got[r[1]] = strings.Join(r[2:], " ")
	}
	if code != 0 || !regexp.MustCompile(`^USERNAME +DISPLAY NAME +KIND +ADMIN +DISABLED +CREATED\n`).MatchString(out) ||
		got["alice"] != "alice human yes no" || got["bob"] != "bob human no no" || got["parley"] != "Parley service no no" {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	if status, body := n.do("GET", "/api/me", tok, ""); status != 200 || !strings.Contains(body, `"admin":true`) {
		t.Errorf("GET /api/me of an admin: %d %s", status, body)
	}
	if code, out, _ := user(t, dir, passwordInput{}, "demote", "alice"); code != 0 || out != "alice is no longer a server administrator\n" {
		t.Fatalf("demote: exit %d %q", code, out)
	}
	if status, body := n.do("GET", "/api/me", tok, ""); status != 200 || strings.Contains(body, `"admin"`) {
		t.Errorf("GET /api/me after demote: %d %s", status, body)
	}
	if code, _, errOut := user(t, dir, passwordInput{}, "promote", "parley"); code != 1 || errOut != "parley user promote: \"parley\" is a service account, not a person's\n" {
		t.Errorf("promote of the system account: exit %d, %q", code, errOut)
	}
}

func TestUserCommandResetPassword(t *testing.T) {
	dir := t.TempDir()
	n := boot(t, testConfig(t, dir))
	tok := n.register("alice")
	login := func(password string) int {
		status, _ := n.do("POST", "/api/auth/login", "", `{"username":"alice","password":"`+password+`"}`)
		return status
	}

	if code, _, errOut := user(t, dir, piped("short\n"), "reset-password", "alice"); code != 1 || errOut != "parley user reset-password: password must be at least 8 characters\n" {
		t.Errorf("a short password: exit %d, %q", code, errOut)
	}
	if code, _, errOut := user(t, dir, piped(""), "reset-password", "alice"); code != 1 || !strings.Contains(errOut, "no password on stdin") {
		t.Errorf("nothing on stdin: exit %d, %q", code, errOut)
	}
	if status, _ := n.do("GET", "/api/me", tok, ""); status != 200 {
		t.Fatalf("a refused reset ended the session: %d", status)
	}

	code, out, errOut := user(t, dir, piped("battery-staple\r\nignored\n"), "reset-password", "alice")
	if code != 0 || out != "reset the password of alice: their sessions end within seconds\n" {
		t.Fatalf("reset-password from stdin: exit %d\n%s%s", code, out, errOut)
	}
	if status, _ := n.do("GET", "/api/me", tok, ""); status != 401 {
		t.Errorf("a token of before the reset: %d, want 401", status)
	}
	if login("password1") != 401 || login("battery-staple") != 200 {
		t.Errorf("after the reset: old password %d, new %d; want 401, 200", login("password1"), login("battery-staple"))
	}

	for _, tc := range []struct {
		in   passwordInput
		args []string
	}{
		{piped("not-this-one\n"), []string{"reset-password", "-generate", "alice"}},
		{passwordInput{r: strings.NewReader(""), terminal: true}, []string{"reset-password", "alice"}},
	} {
		code, out, errOut := user(t, dir, tc.in, tc.args...)
		m := regexp.MustCompile(`^username: alice\npassword: ([A-Za-z0-9_-]{24})\n\nThe password is shown only now and stored hashed: hand it over safely.\nreset the password of alice: their sessions end within seconds\n$`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("parley user %v: exit %d\n%s%s", tc.args, code, out, errOut)
		}
		if login(m[1]) != 200 || login("not-this-one") != 401 {
			t.Errorf("parley user %v: the printed password does not log in", tc.args)
		}
	}
}

// TestUserCommandSaysWhyTheStoreDidNotOpen: the operator gets the cause,
// not the "internal error" a client of the server would.
func TestUserCommandSaysWhyTheStoreDidNotOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbFileName), bytes.Repeat([]byte("not a database "), 512), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := user(t, dir, piped(""), "list")
	if code != 1 || strings.Contains(stderr, "internal error") || !strings.Contains(stderr, "not a database") {
		t.Errorf("parley user list on a damaged database: exit %d, stderr %q; want 1 and SQLite's reason", code, stderr)
	}
}
