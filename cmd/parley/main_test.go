package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestHelpListsTheCommands(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help", "help"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{arg}, &stdout, &stderr); code != 0 {
			t.Errorf("parley %s exited %d, want 0", arg, code)
		}
		out := stdout.String()
		if !strings.HasPrefix(out, "Usage: parley [flags]") {
			t.Errorf("parley %s: %q, want the usage", arg, out)
		}
		for _, c := range commands() {
			line := fmt.Sprintf("\n  %-9s %s\n", c.name, c.summary)
			if !strings.Contains(out, line) {
				t.Errorf("parley %s does not list %q:\n%s", arg, line, out)
			}
		}
		if stderr.Len() != 0 {
			t.Errorf("parley %s wrote to stderr: %q", arg, stderr.String())
		}
	}
}

func TestVersion(t *testing.T) {
	// A test binary has neither linker flags nor VCS stamping: what is
	// printed is devel and unknown, with the toolchain's Go version.
	want := fmt.Sprintf("parley devel (commit unknown, built unknown, %s)\n", runtime.Version())
	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 || stdout.String() != want || stderr.Len() != 0 {
			t.Errorf("parley %v: exit %d, stdout %q, stderr %q; want 0 and %q", args, code, stdout.String(), stderr.String(), want)
		}
	}
}

// The binary under test, built once for every test that runs it.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

const (
	testVersion = "v0.0.0-logtest"
	testCommit  = "feedc0de"
	testDate    = "2026-01-02T03:04:05Z"
)

// parleyBinary builds cmd/parley with version flags, once.
func parleyBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "parley-bin-"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "parley")
		ldflags := fmt.Sprintf("-X main.version=%s -X main.commit=%s -X main.date=%s", testVersion, testCommit, testDate)
		cmd := exec.Command("go", "build", "-ldflags", ldflags, "-o", binary.path, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// cleanEnv is this process's environment without Parley's settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestJSONLogsOfAFailedRequest runs the binary with JSON logs, has a
// request fail, and finds the failure's access line by the request id the
// client got, as an operator would.
func TestJSONLogsOfAFailedRequest(t *testing.T) {
	cmd := exec.Command(parleyBinary(t))
	cmd.Env = append(cleanEnv(),
		"PARLEY_ADDR=127.0.0.1:0",
		"PARLEY_DATA_DIR="+t.TempDir(),
		"PARLEY_JWT_SECRET=logtest-0123456789abcdef0123456789abcdef",
		"PARLEY_LOG_FORMAT=json",
		"PARLEY_BCRYPT_COST=4",
		"PARLEY_SHUTDOWN_TIMEOUT=5s",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	listening := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			logs.Write(sc.Bytes())
			logs.WriteByte('\n')
			var l struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "parley listening" {
				listening <- l.Addr
			}
		}
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		<-scanned // every line is in logs
	}
	t.Cleanup(stop)
	var base string
	select {
	case addr := <-listening:
		base = "http://" + addr
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		stop()
		t.Fatalf("parley did not listen:\n%s", logs.String())
	}

	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path, token, body string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}

	const password = "Tr0ub4dor-pass-3391"
	const searched = "searched-words-8812"
	creds := `{"username":"alice","password":"` + password + `"}`
	if res, body := do("POST", "/api/auth/register", "", creds); res.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %s", res.StatusCode, body)
	}
	res, body := do("POST", "/api/auth/login", "", creds)
	var session struct{ Token string }
	if err := json.Unmarshal([]byte(body), &session); res.StatusCode != http.StatusOK || err != nil || session.Token == "" {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	if res, body := do("GET", "/api/search?q="+searched, session.Token, ""); res.StatusCode != http.StatusOK {
		t.Fatalf("search: %d %s", res.StatusCode, body)
	}

	// The failure: no token.
	res, body = do("GET", "/api/rooms", "", "")
	var answer struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		RequestID string `json:"requestId"`
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&answer); err != nil || res.StatusCode != http.StatusUnauthorized || answer.Error.Code != "UNAUTHORIZED" ||
		answer.Error.Message != "an Authorization: Bearer token is required" {
		t.Fatalf("GET /api/rooms without a token: %d %s (%v)", res.StatusCode, body, err)
	}
	id := res.Header.Get("X-Request-Id")
	if id == "" || answer.RequestID != id {
		t.Fatalf("requestId %q in the body, X-Request-Id %q", answer.RequestID, id)
	}

	stop()
	text := logs.String()
	var accessLines, startLines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Errorf("not a JSON line: %q", line)
			continue
		}
		if _, ok := l["time"].(string); !ok {
			t.Errorf("no time: %q", line)
		}
		delete(l, "time")
		switch {
		case l["msg"] == "parley starting":
			startLines = append(startLines, l)
		case l["msg"] == "http request" && l["requestId"] == id:
			if d, ok := l["duration"].(float64); !ok || d <= 0 {
				t.Errorf("the access line has no duration in nanoseconds: %q", line)
			}
			delete(l, "duration")
			accessLines = append(accessLines, l)
		}
	}
	wantAccess := map[string]any{
		"level": "INFO", "msg": "http request", "requestId": id, "method": "GET", "route": "/api/rooms", "path": "/api/rooms",
		"status": float64(401), "bytes": float64(len(body)), "ip": "127.0.0.1",
	}
	if len(accessLines) != 1 || !reflect.DeepEqual(accessLines[0], wantAccess) {
		t.Errorf("access lines with requestId %s: %v, want one: %v", id, accessLines, wantAccess)
	}
	wantStart := map[string]any{
		"level": "INFO", "msg": "parley starting", "version": testVersion, "commit": testCommit, "built": testDate, "go": runtime.Version(),
	}
	if len(startLines) != 1 || !reflect.DeepEqual(startLines[0], wantStart) {
		t.Errorf("startup lines: %v, want one: %v", startLines, wantStart)
	}
	for what, secret := range map[string]string{"password": password, "token": session.Token, "query value": searched} {
		if strings.Contains(text, secret) {
			t.Errorf("the log contains the %s %q", what, secret)
		}
	}
	if t.Failed() {
		t.Logf("the log:\n%s", text)
	}
}
