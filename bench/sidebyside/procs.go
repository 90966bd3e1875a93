package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/parley-chat/parley/bench/internal/report"
)

// Paths are the built programs and where their logs go.
type Paths struct {
	Root    string
	Parley  string
	Loadgen string
	RefDir  string
	Logs    string
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(data, []byte("module github.com/parley-chat/parley\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the Parley repository")
		}
		dir = parent
	}
}

func canPin() error {
	if _, err := exec.LookPath("taskset"); err != nil {
		return errors.New("pinned runs need taskset (util-linux); use -pin unpinned")
	}
	if runtime.NumCPU() < 2 {
		return errors.New("pinned runs need 2 cores; use -pin unpinned")
	}
	return nil
}

// raiseFileLimit lifts the soft open-file limit to the hard one. Go lifts
// its own at start but restores the old one for its children unless the
// program sets it itself, and the servers and the generator each hold
// 10,000 sockets in the idle mode.
func raiseFileLimit() {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		log.Printf("open-file limit: %v", err)
	}
	if l.Cur < 11000 {
		log.Printf("open-file limit is %d: the idle mode's 10,000 sockets may fail", l.Cur)
	}
}

// prepare builds Parley the way the Makefile does, except that the web UI
// is left out (it is embedded only when webapp/dist was built, and nothing
// here loads it), into bench/results/bin so bin/parley is left alone. It
// builds the generator and installs the reference's dependencies when
// package-lock.json is newer than them.
func prepare(ctx context.Context, root string, servers []string) (*Paths, error) {
	p := &Paths{
		Root: root,
		// Not named plain "parley": a `killall parley` aimed at a test
		// server elsewhere on the machine must not end a measurement.
		Parley:  filepath.Join(root, "bench/results/bin/parley-bench"),
		Loadgen: filepath.Join(root, "bench/results/bin/loadgen"),
		RefDir:  filepath.Join(root, "bench/reference"),
		Logs:    filepath.Join(root, "bench/results/logs"),
	}
	if err := os.MkdirAll(p.Logs, 0o755); err != nil {
		return nil, err
	}
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	log.Printf("building Parley and the load generator")
	build := exec.CommandContext(ctx, goBin, "build", "-o", p.Parley, "./cmd/parley")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := runQuiet(build); err != nil {
		return nil, fmt.Errorf("build Parley: %w", err)
	}
	if err := runQuiet(exec.CommandContext(ctx, goBin, "build", "-o", p.Loadgen, "./bench/loadgen")); err != nil {
		return nil, fmt.Errorf("build loadgen: %w", err)
	}
	for _, s := range servers {
		if s != "reference" {
			continue
		}
		if _, err := exec.LookPath("node"); err != nil {
			return nil, errors.New("the reference needs Node.js (node, npm)")
		}
		lock, err := os.Stat(filepath.Join(p.RefDir, "package-lock.json"))
		if err != nil {
			return nil, err
		}
		inst, err := os.Stat(filepath.Join(p.RefDir, "node_modules/.package-lock.json"))
		if err != nil || inst.ModTime().Before(lock.ModTime()) {
			log.Printf("installing the reference's dependencies (npm ci)")
			npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
			npm.Dir = p.RefDir
			if err := runQuiet(npm); err != nil {
				return nil, fmt.Errorf("npm ci in bench/reference: %w", err)
			}
		}
	}
	return p, nil
}

func runQuiet(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// proc is a child process that ends with the driver: SIGTERM on
// cancellation, SIGKILL if it lingers, and SIGKILL from the kernel should
// the driver itself die first.
func proc(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	// Its own process group, so a Ctrl-C reaches the driver, which then
	// stops everything in order, rather than every process at once.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return cmd
}

type server struct {
	kind string
	cmd  *exec.Cmd
	url  string
	pid  int
	dir  string
	done chan struct{}
	log  string
	// exit is how the process ended, once done is closed.
	exit string
}

var listening = regexp.MustCompile(`listening.* addr=(127\.0\.0\.1:\d+)`)

// startServer starts kind on 127.0.0.1 on a free port with an empty data
// directory. Pinned: core 0, and GOMAXPROCS=1 for Parley.
func startServer(ctx context.Context, p *Paths, kind, mode string, pinned bool) (*server, error) {
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return nil, err
	}
	var argv []string
	if pinned {
		argv = []string{"taskset", "-c", "0"}
	}
	env := cleanEnv()
	switch kind {
	case "parley":
		argv = append(argv, p.Parley)
		env = append(env,
			"PARLEY_ADDR=127.0.0.1:0",
			"PARLEY_DATA_DIR="+dir,
			// The per-user limit would refuse most of the load: the
			// benchmark measures the pipeline, not the limiter.
			"PARLEY_SEND_RATE=1000000",
			"PARLEY_SEND_BURST=1000000",
			// Every client comes from 127.0.0.1, a few users hold many
			// sockets each, and setup registers them all at once: the
			// per-IP and connection limits are for the internet.
			"PARLEY_AUTH_IP_RATE=1000000",
			"PARLEY_AUTH_IP_BURST=1000000",
			"PARLEY_MAX_CONNECTIONS_PER_USER=0",
			"PARLEY_MAX_CONNECTIONS_PER_IP=0",
			// Registering users is setup, not measured: the lowest cost
			// bcrypt allows keeps it from taking a minute.
			"PARLEY_BCRYPT_COST=4",
		)
		if pinned {
			env = append(env, "GOMAXPROCS=1")
		}
	case "reference":
		argv = append(argv, "node", filepath.Join(p.RefDir, "server.js"))
		env = append(env, "HOST=127.0.0.1", "PORT=0")
	}
	logPath := filepath.Join(p.Logs, fmt.Sprintf("%s-%s-%s.log", kind, mode, pinLabel(pinned)))
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := proc(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = p.Root
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	s := &server{kind: kind, cmd: cmd, pid: cmd.Process.Pid, dir: dir, done: make(chan struct{}), log: logPath}
	go func() {
		_ = cmd.Wait()
		s.exit = cmd.ProcessState.String()
		lf.Close()
		close(s.done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for s.url == "" {
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s did not say where it listens within 20s (log: %s)", kind, logPath)
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited at start (log: %s)", kind, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		data, _ := os.ReadFile(logPath)
		if m := listening.FindSubmatch(data); m != nil {
			s.url = "http://" + string(m[1])
		}
	}
	if err := waitHealthy(ctx, s.url); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	return s, nil
}

func pinLabel(pinned bool) string {
	if pinned {
		return "pinned"
	}
	return "unpinned"
}

// cleanEnv is the environment without settings that would change what is
// measured: the user's own PARLEY_* and Go runtime tuning.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PARLEY_") || k == "GOMAXPROCS" || k == "GOGC" || k == "GOMEMLIMIT" || k == "GODEBUG" ||
			k == "NODE_OPTIONS" || k == "PORT" || k == "HOST" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func waitHealthy(ctx context.Context, base string) error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("not healthy within 10s")
}

// stop ends the server (SIGTERM, then SIGKILL after 15s) and removes its
// data directory.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		log.Printf("%s did not stop within 15s of SIGTERM; killing it", s.kind)
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	_ = os.RemoveAll(s.dir)
}

// measure runs one mode against a fresh server.
func measure(ctx context.Context, p *Paths, kind, mode string, pinned bool, extra []string) (*report.Run, error) {
	before := startMachineCPU()
	s, err := startServer(ctx, p, kind, mode, pinned)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	var argv []string
	if pinned {
		argv = []string{"taskset", "-c", "1"}
	}
	argv = append(argv, p.Loadgen, "-server", kind, "-url", s.url, "-pid", fmt.Sprint(s.pid), "-mode", mode)
	argv = append(argv, extra...)
	cmd := proc(ctx, argv[0], argv[1:]...)
	cmd.Env = cleanEnv()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	var gen float64
	if cmd.ProcessState != nil {
		gen = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	other := before.others(cpuSeconds(s.pid), gen)
	var r report.Run
	r.OtherCPU = &other
	if cmd.Process != nil {
		r.OtherTop = before.topOthers(s.pid, cmd.Process.Pid)
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		if runErr != nil {
			return nil, fmt.Errorf("loadgen: %w", runErr)
		}
		return nil, fmt.Errorf("loadgen output: %w", err)
	}
	select {
	case <-s.done:
		// Parley stops gracefully on SIGTERM and SIGINT and logs
		// "shutting down": one that nobody here sent means something else
		// on the machine ended it.
		return &r, fmt.Errorf("%s exited during the run (%s; log: %s)", kind, s.exit, s.log)
	default:
	}
	if runErr != nil {
		return &r, fmt.Errorf("loadgen: %w: %s", runErr, r.Error)
	}
	return &r, nil
}
