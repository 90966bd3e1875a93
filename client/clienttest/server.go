// Package clienttest runs the real Parley binary for the tests of the Go
// SDK and of the programs built on it: build it once per test binary
// (Main), start one per test on 127.0.0.1:0 with a data directory of its
// own (Start), stop, kill and restart it on the same port and data.
package clienttest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// JWTSecret signs the test servers' tokens (test-only value).
	JWTSecret = "clienttest-jwt-secret-0123456789abcdef"
	// BinaryEnv names the variable holding the binary's path; Main sets
	// it, or uses the binary it already names.
	BinaryEnv = "PARLEY_BIN"

	startTimeout = 30 * time.Second
	stopTimeout  = 15 * time.Second
	logLimit     = 256 << 10
)

// Main builds ./cmd/parley once into a temporary directory (unless
// $PARLEY_BIN names a binary), runs the tests and removes it.
func Main(m *testing.M) {
	if os.Getenv(BinaryEnv) != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "parley-clienttest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bin := filepath.Join(dir, "parley")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/parley-chat/parley/cmd/parley").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/parley: %v\n%s", err, out)
		_ = os.RemoveAll(dir)
		os.Exit(2)
	}
	_ = os.Setenv(BinaryEnv, bin)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Server is one running (or stopped) parley process.
type Server struct {
	// URL is http://127.0.0.1:<port>, the same across restarts.
	URL     string
	DataDir string

	t    testing.TB
	env  []string
	addr string
	log  *logBuffer
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs the binary with a fresh data directory, the test defaults
// (fast bcrypt, short presence grace, no rate limit to speak of) and env
// ("KEY=value", overriding them); the test's cleanup stops it.
func Start(t testing.TB, env ...string) *Server {
	t.Helper()
	s := &Server{t: t, DataDir: t.TempDir(), env: env, addr: "127.0.0.1:0", log: &logBuffer{}}
	s.start()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("parley output:\n%s", s.Log())
		}
	})
	return s
}

func (s *Server) start() {
	s.t.Helper()
	bin := os.Getenv(BinaryEnv)
	if bin == "" {
		s.t.Fatalf("$%s is not set: call clienttest.Main from TestMain", BinaryEnv)
	}
	cmd := exec.Command(bin)
	cmd.Dir = s.DataDir
	cmd.Env = append(baseEnv(),
		"PARLEY_ADDR="+s.addr,
		"PARLEY_DATA_DIR="+s.DataDir,
		"PARLEY_JWT_SECRET="+JWTSecret,
		"PARLEY_LOG_LEVEL=info",
		"PARLEY_BCRYPT_COST=4",
		"PARLEY_PRESENCE_GRACE=100ms",
		"PARLEY_SEND_RATE=1000",
		"PARLEY_SEND_BURST=1000",
		// Every test's users register from 127.0.0.1.
		"PARLEY_AUTH_IP_RATE=1000",
		"PARLEY_AUTH_IP_BURST=1000",
		"PARLEY_SHUTDOWN_TIMEOUT=5s",
	)
	cmd.Env = append(cmd.Env, s.env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start parley: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	addr := make(chan string, 1)
	go s.scan(pr, addr)
	go func() {
		_ = cmd.Wait()
		_ = pw.Close()
		close(s.done)
	}()
	select {
	case a := <-addr:
		// Set once: a restart listens on the same address, and clients
		// read URL meanwhile.
		if s.URL == "" {
			s.addr = a
			s.URL = "http://" + a
		}
	case <-s.done:
		s.t.Fatalf("parley exited before listening:\n%s", s.Log())
	case <-time.After(startTimeout):
		_ = cmd.Process.Kill()
		s.t.Fatalf("parley did not listen within %s:\n%s", startTimeout, s.Log())
	}
}

// baseEnv is the test process's environment without Parley's settings, so
// a developer's PARLEY_MONGODB_URI or PARLEY_REDIS_URL is not picked up.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			env = append(env, kv)
		}
	}
	return env
}

func (s *Server) scan(r io.Reader, addr chan<- string) {
	listening := regexp.MustCompile(`parley listening.*\baddr=("?)([^\s"]+)`)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found := false
	for sc.Scan() {
		line := sc.Text()
		s.log.add(line)
		if m := listening.FindStringSubmatch(line); m != nil && !found {
			found = true
			a := strings.Replace(m[2], "0.0.0.0:", "127.0.0.1:", 1)
			addr <- strings.Replace(a, "[::]:", "127.0.0.1:", 1)
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

// Stop sends SIGTERM and waits for the process; SIGKILL past stopTimeout.
// Safe on a stopped server.
func (s *Server) Stop() { s.signal(syscall.SIGTERM) }

// Kill ends the process with SIGKILL, as a crash would.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

func (s *Server) signal(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		s.t.Errorf("parley did not exit within %s of %v", stopTimeout, sig)
	}
	s.cmd = nil
}

// Restart starts the binary again on the same port and data directory
// (stopping it first unless Stop or Kill did), with env added to its
// settings from now on.
func (s *Server) Restart(env ...string) {
	s.t.Helper()
	if s.cmd != nil {
		s.Stop()
	}
	s.env = append(s.env, env...)
	s.start()
}

// Log returns the server's output (the last logLimit bytes).
func (s *Server) Log() string { return s.log.String() }

type logBuffer struct {
	mu    sync.Mutex
	lines []string
	size  int
}

func (b *logBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, line)
	b.size += len(line) + 1
	for b.size > logLimit && len(b.lines) > 1 {
		b.size -= len(b.lines[0]) + 1
		b.lines = b.lines[1:]
	}
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
