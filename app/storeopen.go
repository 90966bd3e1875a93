package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/mongo"
	"github.com/parley-chat/parley/store/sqlite"
)

// dbFileName is the embedded database's file in the data dir.
const dbFileName = "parley.db"

// openStore opens the configured backend: MongoDB when PARLEY_MONGODB_URI
// is set, else SQLite in the data dir.
//
// A MongoDB that does not answer yet (the usual case when a whole
// deployment starts at once) is waited for, with backoff, until ctx ends:
// the node is up meanwhile, /healthz answers and /readyz says 503 (see
// startup.go), instead of the process exiting and being restarted in a
// loop. Errors that waiting cannot fix (a malformed URI, a standalone
// server) end the start at once.
func (m *Main) openStore(ctx context.Context) (*store.Store, error) {
	if m.cfg.MongoURI == "" {
		return sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(m.cfg.DataDir, dbFileName)})
	}
	return retryOpen(ctx, m.log, defaultBackoff, func(ctx context.Context) (*store.Store, error) {
		return mongo.Open(ctx, mongo.Config{URI: m.cfg.MongoURI, Database: m.cfg.MongoDatabase})
	})
}

// backoff is how long to wait between attempts: First, then doubling up to
// Max.
type backoff struct {
	First, Max time.Duration
}

var defaultBackoff = backoff{First: 500 * time.Millisecond, Max: 15 * time.Second}

func (b backoff) next(d time.Duration) time.Duration {
	if d <= 0 {
		return b.First
	}
	return min(2*d, b.Max)
}

// retryOpen calls open until it succeeds, fails with anything but
// UNAVAILABLE, or ctx ends. Each failed attempt is logged with the wait
// before the next, so an operator sees why the node is not ready.
func retryOpen[T any](ctx context.Context, log *slog.Logger, b backoff, open func(context.Context) (T, error)) (T, error) {
	var zero T
	var wait time.Duration
	for attempt := 1; ; attempt++ {
		v, err := open(ctx)
		if err == nil {
			if attempt > 1 {
				log.Info("store reached", "attempts", attempt)
			}
			return v, nil
		}
		if parley.CodeOf(err) != parley.CodeUnavailable {
			return zero, err
		}
		wait = b.next(wait)
		log.Warn("store not reachable yet; retrying", "err", err, "attempt", attempt, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, fmt.Errorf("gave up waiting for the store: %w", err)
		case <-t.C:
		}
	}
}
