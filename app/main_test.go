package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects a Main's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig is the default configuration (empty environment, no flags)
// on a free port of the loopback interface and a data dir of its own.
func testConfig(t *testing.T, dataDir string) Config {
	t.Helper()
	cfg, err := LoadConfig(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatalf("LoadConfig with an empty environment: %v", err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dataDir
	cfg.BcryptCost = 4
	return cfg
}

// node is a Main running in the background.
type node struct {
	t      *testing.T
	m      *Main
	base   string
	logs   *logBuffer
	cancel context.CancelFunc
	done   chan error
	client *http.Client
}

// boot runs a Main until the test ends (or stop is called).
func boot(t *testing.T, cfg Config) *node {
	t.Helper()
	logs := &logBuffer{}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{t: t, m: m, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { n.done <- m.Run(ctx) }()
	addr := m.Addr()
	if addr == "" {
		cancel()
		t.Fatalf("Main did not start: %v\n%s", <-n.done, logs)
	}
	n.base = "http://" + addr
	tr := &http.Transport{}
	n.client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		n.stop()
	})
	return n
}

// stop cancels Run's context and returns what Run returned (once).
func (n *node) stop() error {
	n.t.Helper()
	if n.cancel == nil {
		return nil
	}
	n.cancel()
	n.cancel = nil
	n.client.Transport.(*http.Transport).CloseIdleConnections()
	select {
	case err := <-n.done:
		return err
	case <-time.After(30 * time.Second):
		n.t.Fatalf("Run did not return after its context ended\n%s", n.logs)
		return nil
	}
}

func (n *node) do(method, path, token, body string) (int, string) {
	n.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, n.base+path, r)
	if err != nil {
		n.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
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
	return res.StatusCode, string(b)
}

func (n *node) register(username string) string {
	n.t.Helper()
	status, body := n.do("POST", "/api/auth/register", "", `{"username":"`+username+`","password":"password1"}`)
	if status != http.StatusCreated {
		n.t.Fatalf("register %s: %d %s", username, status, body)
	}
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Token == "" {
		n.t.Fatalf("register %s: no token in %s (%v)", username, body, err)
	}
	return out.Token
}

func TestMainServes(t *testing.T) {
	n := boot(t, testConfig(t, t.TempDir()))

	for _, path := range []string{"/healthz", "/readyz"} {
		if status, body := n.do("GET", path, "", ""); status != http.StatusOK {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	tok := n.register("alice")
	if status, body := n.do("GET", "/api/me", tok, ""); status != http.StatusOK || !strings.Contains(body, `"username":"alice"`) {
		t.Errorf("/api/me: %d %s", status, body)
	}
	// The default room exists and the new user is in it.
	if status, body := n.do("GET", "/api/rooms", tok, ""); status != http.StatusOK || !strings.Contains(body, `"id":"general"`) {
		t.Errorf("/api/rooms: %d %s", status, body)
	}
	// Reserved names cannot be taken.
	for _, name := range []string{"parley", "assistant", "admin", "system"} {
		if status, body := n.do("POST", "/api/auth/register", "", `{"username":"`+name+`","password":"password1"}`); status != http.StatusConflict {
			t.Errorf("register %s: %d %s, want 409", name, status, body)
		}
	}

	status, metrics := n.do("GET", "/metrics", "", "")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	for _, name := range []string{"parley_connections", "parley_messages_received_total", "parley_errors_total", "go_goroutines"} {
		if !strings.Contains(metrics, "\n"+name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	if err := n.stop(); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if err := n.m.Close(); err != nil {
		t.Errorf("Close after Run returned = %v, want nil as well", err)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(n.base, "http://"), time.Second); err == nil {
		t.Error("the port still accepts connections after Run returned")
	}
	if strings.Contains(n.logs.String(), "requests still open at shutdown were cut") {
		t.Errorf("shutdown was not graceful:\n%s", n.logs)
	}
}

func TestMainCloseTwice(t *testing.T) {
	n := boot(t, testConfig(t, t.TempDir()))
	first := n.m.Close()
	if first != nil {
		t.Errorf("Close = %v", first)
	}
	if second := n.m.Close(); !errors.Is(second, first) && second != first {
		t.Errorf("second Close = %v, want the first result %v", second, first)
	}
	// Run notices the server closed under it and returns.
	if err := n.stop(); err != nil {
		t.Errorf("Run after Close = %v", err)
	}
}

func TestMainBadAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.Addr = ln.Addr().String() // taken
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()
	if addr := m.Addr(); addr != "" {
		t.Errorf("Addr = %q for a node that could not listen", addr)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), cfg.Addr) {
			t.Errorf("Run = %v, want an error naming %s", err, cfg.Addr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close after a failed Run = %v", err)
	}
}

func TestSecretGeneratedAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created by Main
	first := boot(t, testConfig(t, dir))
	tok := first.register("alice")
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "jwt_secret")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no generated secret: %v", err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("secret file mode %o, want 600", mode)
	}
	secret1, _ := os.ReadFile(path)
	if len(strings.TrimSpace(string(secret1))) < 32 {
		t.Errorf("secret %q is too short", secret1)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "jwt_secret.") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	// A second node on the same data dir accepts the first one's tokens
	// (and the account survived).
	second := boot(t, testConfig(t, dir))
	if status, body := second.do("GET", "/api/me", tok, ""); status != http.StatusOK {
		t.Errorf("token of the first node on the second: %d %s", status, body)
	}
	if err := second.stop(); err != nil {
		t.Fatal(err)
	}
	if secret2, _ := os.ReadFile(path); !bytes.Equal(secret1, secret2) {
		t.Error("the secret file changed on the second start")
	}

	// A configured secret is used as is, and nothing is generated.
	dir2 := t.TempDir()
	cfg := testConfig(t, dir2)
	cfg.JWTSecret = "configured-secret-configured-secret"
	third := boot(t, cfg)
	if status, body := third.do("GET", "/api/me", tok, ""); status != http.StatusUnauthorized {
		t.Errorf("a token signed with another secret: %d %s, want 401", status, body)
	}
	if _, err := os.Stat(filepath.Join(dir2, "jwt_secret")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a secret file was generated although one was configured: %v", err)
	}
}

func TestSecretEmptyFileRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jwt_secret"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateSecret("", dir); err == nil || !strings.Contains(err.Error(), "PARLEY_JWT_SECRET") {
		t.Errorf("empty secret file: err = %v, want advice naming PARLEY_JWT_SECRET", err)
	}
}

func TestSecretConcurrentCreation(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = loadOrCreateSecret("", dir)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("loadOrCreateSecret: %v", errs[i])
		}
		if !bytes.Equal(got[i], got[0]) {
			t.Fatalf("two starters got different secrets: %q and %q", got[0], got[i])
		}
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, "jwt_secret"))
	if strings.TrimSpace(string(onDisk)) != string(got[0]) {
		t.Errorf("secret on disk %q differs from the one in use %q", onDisk, got[0])
	}
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.TokenTTL != 168*time.Hour || c.MaxTextLength != 4000 ||
		c.SendRate != 10 || c.SendBurst != 20 || c.PresenceGrace != 3*time.Second || c.AssistantName != "assistant" ||
		c.LogLevel != slog.LevelInfo || c.JWTSecret != "" || len(c.AllowedOrigins) != 0 || c.BcryptCost != 10 ||
		c.MaxQueuedBytes != 4<<20 || c.PresenceNodeTTL != 30*time.Second || c.SyncMaxMessages != 1000 || c.MaxAnswerBytes != 1<<20 ||
		c.MaxUploadBytes != 25<<20 || c.FileURLTTL != 4*time.Hour || c.LogFormat != "text" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigEnvAndFlags(t *testing.T) {
	env := envOf(map[string]string{
		"PARLEY_ADDR":              ":9000",
		"PARLEY_DATA_DIR":          "/var/lib/parley",
		"PARLEY_TOKEN_TTL":         "2h",
		"PARLEY_ALLOWED_ORIGINS":   " https://a.example , ,https://b.example",
		"PARLEY_LOG_LEVEL":         "debug",
		"PARLEY_SEND_RATE":         "2.5",
		"PARLEY_SEND_BURST":        " 7 ",
		"PARLEY_PRESENCE_GRACE":    "500ms",
		"PARLEY_PRESENCE_NODE_TTL": "5s",
		"PARLEY_ASSISTANT_NAME":    "Helper",
		"PARLEY_MAX_TEXT_LENGTH":   "100",
		"PARLEY_MAX_QUEUED_BYTES":  "64 KiB",
		"PARLEY_SYNC_MAX_MESSAGES": "50",
		"PARLEY_MAX_ANSWER_BYTES":  "256KiB",
		"PARLEY_MAX_UPLOAD_BYTES":  "5MiB",
		"PARLEY_FILE_URL_TTL":      "30m",
		"PARLEY_LOG_FORMAT":        "json",
	})
	c, err := LoadConfig(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DataDir != "/var/lib/parley" || c.TokenTTL != 2*time.Hour || c.LogLevel != slog.LevelDebug ||
		c.SendRate != 2.5 || c.SendBurst != 7 || c.PresenceGrace != 500*time.Millisecond || c.AssistantName != "helper" ||
		c.MaxTextLength != 100 || c.MaxQueuedBytes != 64<<10 || c.PresenceNodeTTL != 5*time.Second ||
		c.SyncMaxMessages != 50 || c.MaxAnswerBytes != 256<<10 || c.MaxUploadBytes != 5<<20 || c.FileURLTTL != 30*time.Minute ||
		c.LogFormat != "json" {
		t.Errorf("from env: %+v", c)
	}
	if len(c.AllowedOrigins) != 2 || c.AllowedOrigins[0] != "https://a.example" || c.AllowedOrigins[1] != "https://b.example" {
		t.Errorf("origins = %q", c.AllowedOrigins)
	}

	// A flag overrides its variable; the others keep the environment's.
	c, err = LoadConfig(env, []string{"-addr", ":9001", "--send-burst=9", "-log-level=warn", "-max-queued-bytes=100000", "-log-format=text"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9001" || c.SendBurst != 9 || c.LogLevel != slog.LevelWarn || c.DataDir != "/var/lib/parley" || c.SendRate != 2.5 ||
		c.MaxQueuedBytes != 100000 || c.LogFormat != "text" {
		t.Errorf("with flags: %+v", c)
	}
}

func TestLoadConfigBadValues(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want []string
	}{
		{map[string]string{"PARLEY_SEND_RATE": "fast"}, nil, []string{"PARLEY_SEND_RATE"}},
		{map[string]string{"PARLEY_TOKEN_TTL": "7"}, nil, []string{"PARLEY_TOKEN_TTL"}},
		{map[string]string{"PARLEY_LOG_LEVEL": "loud"}, nil, []string{"PARLEY_LOG_LEVEL"}},
		{map[string]string{"PARLEY_LOG_FORMAT": "logfmt"}, nil, []string{`PARLEY_LOG_FORMAT="logfmt": want text or json`}},
		{nil, []string{"-log-format=JSON"}, []string{"want text or json (it sets PARLEY_LOG_FORMAT)"}},
		{map[string]string{"PARLEY_SEND_BURST": "1.5", "PARLEY_PRESENCE_GRACE": "soon"}, nil, []string{"PARLEY_SEND_BURST", "PARLEY_PRESENCE_GRACE"}},
		{nil, []string{"-max-text-length", "lots"}, []string{"PARLEY_MAX_TEXT_LENGTH"}},
		{map[string]string{"PARLEY_MAX_QUEUED_BYTES": "4MB"}, nil, []string{"PARLEY_MAX_QUEUED_BYTES"}},
		{map[string]string{"PARLEY_MAX_QUEUED_BYTES": "0"}, nil, []string{"PARLEY_MAX_QUEUED_BYTES"}},
		{map[string]string{"PARLEY_SYNC_MAX_MESSAGES": "0", "PARLEY_MAX_ANSWER_BYTES": "-1"}, nil, []string{"PARLEY_MAX_ANSWER_BYTES", "PARLEY_SYNC_MAX_MESSAGES"}},
		{map[string]string{"PARLEY_MAX_UPLOAD_BYTES": "0", "PARLEY_FILE_URL_TTL": "-1h"}, nil, []string{"PARLEY_FILE_URL_TTL", "PARLEY_MAX_UPLOAD_BYTES"}},
		// A flag replaces its variable, even a bad one.
		{map[string]string{"PARLEY_BCRYPT_COST": "x"}, []string{"-bcrypt-cost=4"}, nil},
	} {
		_, err := LoadConfig(envOf(tt.env), tt.args)
		if tt.want == nil {
			if err != nil {
				t.Errorf("env %v args %v: %v (the flag overrides the bad variable)", tt.env, tt.args, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("env %v args %v: no error", tt.env, tt.args)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("env %v args %v: error %q does not name %s", tt.env, tt.args, err, w)
			}
		}
	}
	if _, err := LoadConfig(envOf(nil), []string{"-no-such-flag"}); err == nil {
		t.Error("an unknown flag was accepted")
	}
}

// socketIOConnect opens an authenticated Socket.IO connection over HTTP
// long-polling (Engine.IO v4) and returns its session id.
func (n *node) socketIOConnect(token string) string {
	n.t.Helper()
	status, body := n.do("GET", "/socket.io/?EIO=4&transport=polling", "", "")
	if status != http.StatusOK || !strings.HasPrefix(body, "0") {
		n.t.Fatalf("engine.io handshake: %d %q", status, body)
	}
	var open struct{ Sid string }
	if err := json.Unmarshal([]byte(body[1:]), &open); err != nil || open.Sid == "" {
		n.t.Fatalf("engine.io handshake %q: %v", body, err)
	}
	q := "/socket.io/?EIO=4&transport=polling&sid=" + open.Sid
	if status, body := n.do("POST", q, "", `40{"token":"`+token+`"}`); status != http.StatusOK {
		n.t.Fatalf("socket.io connect: %d %q", status, body)
	}
	if status, body := n.do("GET", q, "", ""); status != http.StatusOK || !strings.HasPrefix(body, "40") {
		n.t.Fatalf("socket.io connect answer: %d %q", status, body)
	}
	return open.Sid
}

func TestMainSocketConnectionAndShutdown(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	// Short enough to keep a failing run quick, far longer than a
	// shutdown that works.
	cfg.ShutdownTimeout = 3 * time.Second
	n := boot(t, cfg)
	tok := n.register("alice")
	sid := n.socketIOConnect(tok)

	// The connection handler runs just after the client got its CONNECT.
	connected := false
	for deadline := time.Now().Add(2 * time.Second); !connected && time.Now().Before(deadline); {
		_, metrics := n.do("GET", "/metrics", "", "")
		if connected = strings.Contains(metrics, "\nparley_connections 1\n"); !connected {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !connected {
		t.Errorf("parley_connections did not become 1 with one socket open")
	}

	// A long-poll is in flight when the node stops: shutdown must end it
	// rather than wait for the timeout.
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		req, _ := http.NewRequest("GET", n.base+"/socket.io/?EIO=4&transport=polling&sid="+sid, nil)
		client := &http.Client{Timeout: 30 * time.Second} // outlasts the shutdown timeout
		if res, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond) // let the poll reach the server; not needed for correctness
	if err := n.stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	<-polled
	if strings.Contains(n.logs.String(), "requests still open at shutdown were cut") {
		t.Errorf("an open long-poll held up shutdown until the timeout:\n%s", n.logs)
	}
}

// TestGoroutinesReturnToBaseline boots nodes, uses them (REST and an open
// Socket.IO connection), stops them, and checks nothing they started
// lingers. Several nodes in turn make a leak of even one goroutine per node
// stand out from the slack.
func TestGoroutinesReturnToBaseline(t *testing.T) {
	const cycles, slack = 6, 5
	baseline := runtime.NumGoroutine()

	for range cycles {
		cfg := testConfig(t, t.TempDir())
		logs := &logBuffer{}
		m := NewMain(cfg, slog.New(slog.NewTextHandler(logs, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		if m.Addr() == "" {
			cancel()
			t.Fatalf("Main did not start: %v", <-done)
		}
		tr := &http.Transport{}
		n := &node{t: t, m: m, base: "http://" + m.Addr(), logs: logs, cancel: cancel, done: done, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
		tok := n.register("alice")
		n.do("GET", "/api/rooms", tok, "")
		n.do("GET", "/metrics", "", "")
		n.socketIOConnect(tok)
		if err := n.stop(); err != nil {
			t.Errorf("Run = %v", err)
		}
		tr.CloseIdleConnections()
	}

	if got := settle(baseline+slack, 5*time.Second); got > baseline+slack {
		var dump bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("goroutines: %d before, %d after running and stopping %d nodes (slack %d)\n%s", baseline, got, cycles, slack, dump.String())
	}
}

// settle waits up to d for the number of goroutines to drop to at most
// target and returns the last count.
func settle(target int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		n := runtime.NumGoroutine()
		if n <= target || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}
