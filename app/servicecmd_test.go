package app

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// service runs `parley service args...` against dataDir and returns its
// exit status and output.
func service(t *testing.T, dataDir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"PARLEY_DATA_DIR": dataDir, "PARLEY_BCRYPT_COST": "4"}
	var out, errOut bytes.Buffer
	code = ServiceCommand(context.Background(), func(k string) string { return env[k] }, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var secretLine = regexp.MustCompile(`(?m)^secret: ([A-Za-z0-9_-]{43})$`)

func createdSecret(t *testing.T, stdout string) string {
	t.Helper()
	m := secretLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no secret line in:\n%s", stdout)
	}
	return m[1]
}

func TestServiceCommandUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-h"}, {"help"}, {"create", "-h"}, {"list", "-h"}, {"revoke", "-h"}, {"rotate", "--help"}} {
		code, out, _ := service(t, dir, args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: parley service <command>") || !strings.Contains(out, "rotate <appId>") {
			t.Errorf("parley service %v: exit %d, stdout %q", args, code, out)
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"create"}, {"create", "a", "b"}, {"list", "extra"}, {"revoke"}} {
		code, out, errOut := service(t, dir, args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "Usage: parley service") {
			t.Errorf("parley service %v: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", args, code, out, errOut)
		}
	}
}

// The commands work on the store of a running node, which sees each change
// at once: a created service gets tokens, a revoked one loses them, a
// rotated one trades only its new secret.
func TestServiceCommandsAgainstARunningNode(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.Services = map[string]string{"radio": serviceSecret}
	n := boot(t, cfg)
	token := func(appID, secret string) (int, string) {
		t.Helper()
		status, body := n.do("POST", "/api/services/token", "", `{"appId":"`+appID+`","secret":"`+secret+`"}`)
		var res struct{ Token string }
		_ = json.Unmarshal([]byte(body), &res)
		return status, res.Token
	}

	code, out, errOut := service(t, dir, "create", "Weather")
	if code != 0 || !strings.HasPrefix(out, "appId:  weather\nsecret: ") {
		t.Fatalf("create: exit %d\n%s%s", code, out, errOut)
	}
	secret := createdSecret(t, out)
	status, tok := token("weather", secret)
	if status != 200 || tok == "" {
		t.Fatalf("the created service's secret: %d", status)
	}
	if status, _ := n.do("GET", "/api/me", tok, ""); status != 200 {
		t.Fatalf("the created service's token: GET /api/me %d", status)
	}
	if code, _, errOut := service(t, dir, "create", "weather"); code != 1 || !strings.Contains(errOut, `service "weather" exists`) {
		t.Errorf("create twice: exit %d, %q", code, errOut)
	}

	code, out, _ = service(t, dir, "list")
	rows := regexp.MustCompile(`(?m)^(\S+) +(\S+) +(\S+) +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).FindAllStringSubmatch(out, -1)
	if code != 0 || !regexp.MustCompile(`^APP ID +SOURCE +STATUS +CREATED\n`).MatchString(out) || len(rows) != 2 ||
		rows[0][1] != "radio" || rows[0][2] != "config" || rows[0][3] != "active" ||
		rows[1][1] != "weather" || rows[1][2] != "cli" || rows[1][3] != "active" {
		t.Fatalf("list: exit %d\n%s", code, out)
	}

	if code, out, errOut := service(t, dir, "revoke", "weather"); code != 0 || !strings.HasPrefix(out, "revoked weather") {
		t.Fatalf("revoke: exit %d\n%s%s", code, out, errOut)
	}
	if status, _ := n.do("GET", "/api/me", tok, ""); status != 401 {
		t.Errorf("the revoked service's token: GET /api/me %d, want 401", status)
	}
	if status, _ := token("weather", secret); status != 401 {
		t.Errorf("the revoked service's secret: %d, want 401", status)
	}
	if _, out, _ := service(t, dir, "list"); !regexp.MustCompile(`(?m)^weather +cli +revoked `).MatchString(out) {
		t.Errorf("list after revoke:\n%s", out)
	}

	code, out, errOut = service(t, dir, "rotate", "weather")
	if code != 0 {
		t.Fatalf("rotate: exit %d\n%s%s", code, out, errOut)
	}
	rotated := createdSecret(t, out)
	if status, _ := token("weather", secret); status != 401 {
		t.Errorf("the old secret after rotate: %d, want 401", status)
	}
	if status, _ := token("weather", rotated); status != 200 {
		t.Errorf("the rotated secret: %d, want 200", status)
	}

	if code, _, errOut := service(t, dir, "rotate", "radio"); code != 1 || !strings.Contains(errOut, "PARLEY_SERVICES") {
		t.Errorf("rotate of a configured service: exit %d, %q", code, errOut)
	}
	if code, _, errOut := service(t, dir, "revoke", "ghost"); code != 1 || !strings.Contains(errOut, `no service has the app id "ghost"`) {
		t.Errorf("revoke of an unknown service: exit %d, %q", code, errOut)
	}
}
