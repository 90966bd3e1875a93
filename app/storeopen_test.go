package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
)

func TestRetryOpen(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fast := backoff{First: time.Millisecond, Max: 4 * time.Millisecond}
	down := parley.Errorf(parley.CodeUnavailable, "no server")

	calls := 0
	v, err := retryOpen(t.Context(), log, fast, func(context.Context) (int, error) {
		if calls++; calls < 4 {
			return 0, down
		}
		return 7, nil
	})
	if v != 7 || err != nil || calls != 4 {
		t.Errorf("server up on the 4th attempt: %d, %v after %d calls", v, err, calls)
	}

	// A configuration error is not waited out.
	calls = 0
	bad := errors.New("mongo: the server is a standalone mongod")
	_, err = retryOpen(t.Context(), log, fast, func(context.Context) (int, error) { calls++; return 0, bad })
	if calls != 1 || !errors.Is(err, bad) {
		t.Errorf("non-retryable error: %v after %d calls, want it after 1", err, calls)
	}

	// Waiting ends with ctx, naming the last error.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	_, err = retryOpen(ctx, log, fast, func(context.Context) (int, error) { return 0, down })
	if err == nil || !errors.Is(err, down) || !strings.Contains(err.Error(), "gave up") {
		t.Errorf("ctx ended: %v", err)
	}
}

func TestBackoffDoublesToMax(t *testing.T) {
	b := backoff{First: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for d, i := time.Duration(0), 0; i < 5; i++ {
		d = b.next(d)
		got = append(got, d)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
}
