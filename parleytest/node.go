package parleytest

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/app"
)

// Node is a whole Parley node (app.Main) running for a test.
type Node struct {
	// Base is the node's URL, http://127.0.0.1:<port>.
	Base string
	Main *app.Main
	logs *logBuffer
}

// Config is the configuration of an empty environment with no flags, on
// a free port of the loopback interface, with dataDir as its data
// directory and the cheapest password hashing.
func Config(t testing.TB, dataDir string) app.Config {
	t.Helper()
	cfg, err := app.LoadConfig(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatalf("LoadConfig with an empty environment: %v", err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dataDir
	cfg.BcryptCost = 4
	return cfg
}

// Boot runs a node on Config(t, a fresh directory), as tweak adjusts it,
// until t ends; its logs are printed if t fails.
func Boot(t testing.TB, tweak func(*app.Config)) *Node {
	t.Helper()
	cfg := Config(t, t.TempDir())
	if tweak != nil {
		tweak(&cfg)
	}
	logs := &logBuffer{}
	m := app.NewMain(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	addr := m.Addr()
	if addr == "" {
		cancel()
		t.Fatalf("the node did not start: %v\n%s", <-done, logs)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the node stopped with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("the node did not stop within 20 s")
		}
		if t.Failed() {
			t.Logf("node logs:\n%s", logs)
		}
	})
	return &Node{Base: "http://" + addr, Main: m, logs: logs}
}

// Logs is everything the node has logged so far.
func (n *Node) Logs() string { return n.logs.String() }

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
