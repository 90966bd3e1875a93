package parleyclient_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
)

func TestMain(m *testing.M) { clienttest.Main(m) }

const password = "correct-horse-9"

// waitTimeout bounds every wait for something the server pushes.
const waitTimeout = 10 * time.Second

// uniqueName is a valid username no other test uses.
func uniqueName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

func register(t *testing.T, srv *clienttest.Server, prefix string) parleyclient.Session {
	t.Helper()
	s, err := parleyclient.Register(t.Context(), srv.URL, uniqueName(prefix), password)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return s
}

// dial connects with fast reconnections and the test's log; the test's
// cleanup closes the client.
func dial(t *testing.T, srv *clienttest.Server, token string, opts parleyclient.Options) *parleyclient.Client {
	t.Helper()
	if opts.ReconnectDelay == 0 {
		opts.ReconnectDelay, opts.ReconnectDelayMax = 50*time.Millisecond, 300*time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	c, err := parleyclient.Dial(ctx, srv.URL, token, opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ctx is a call context bounded well below the test's timeout.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), waitTimeout)
	t.Cleanup(cancel)
	return c
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testWriter sends log lines to t.Log, and drops them once the test is
// over (a client closing after it still logs).
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	defer func() { _ = recover() }()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// recorder collects what a handler gets, for the test goroutine to wait on.
type recorder[T any] struct {
	mu     sync.Mutex
	items  []T
	notify chan struct{}
}

func newRecorder[T any]() *recorder[T] { return &recorder[T]{notify: make(chan struct{}, 1)} }

func (r *recorder[T]) add(_ *parleyclient.Client, v T) {
	r.mu.Lock()
	r.items = append(r.items, v)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

func (r *recorder[T]) all() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.items...)
}

// waitFor waits until ok holds for what was recorded, and returns it.
func (r *recorder[T]) waitFor(t *testing.T, what string, ok func([]T) bool) []T {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		if items := r.all(); ok(items) {
			return items
		}
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; got %+v", what, r.all())
		}
	}
}

// first returns the first recorded item matching ok, waiting for it.
func (r *recorder[T]) first(t *testing.T, what string, ok func(T) bool) T {
	t.Helper()
	var found T
	r.waitFor(t, what, func(items []T) bool {
		for _, it := range items {
			if ok(it) {
				found = it
				return true
			}
		}
		return false
	})
	return found
}
