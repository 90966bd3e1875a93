package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecretTooShortRefusedAtStart: a configured key one byte under 32 stops
// the node before it listens, with an error that names the variable and the
// minimum but not the key; one of exactly 32 bytes signs tokens.
func TestSecretTooShortRefusedAtStart(t *testing.T) {
	short := strings.Repeat("k", 31)
	cfg := testConfig(t, t.TempDir())
	cfg.JWTSecret = short
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()
	if addr := m.Addr(); addr != "" {
		t.Errorf("a node with a 31-byte secret listens on %s", addr)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Run with a 31-byte PARLEY_JWT_SECRET = nil, want an error")
		}
		for _, want := range []string{"PARLEY_JWT_SECRET", "31 bytes", "32"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Run = %q, want it to say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), short) {
			t.Errorf("the error %q quotes the secret", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}

	cfg = testConfig(t, t.TempDir())
	cfg.JWTSecret = strings.Repeat("k", 32)
	n := boot(t, cfg)
	tok := n.register("alice")
	if status, body := n.do("GET", "/api/me", tok, ""); status != 200 {
		t.Errorf("GET /api/me with a token signed by a 32-byte secret: %d %s", status, body)
	}
}

// TestSecretShortFileRefused: a key written by hand into the data dir is
// held to the same minimum as a configured one.
func TestSecretShortFileRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jwt_secret"), []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadOrCreateSecret("", dir)
	if err == nil || !strings.Contains(err.Error(), "PARLEY_JWT_SECRET") || !strings.Contains(err.Error(), "32") {
		t.Errorf("a 7-byte secret file: err = %v, want advice naming PARLEY_JWT_SECRET and 32", err)
	}
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error %q quotes the secret", err)
	}
}
