package files

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
)

// storedBytesMaxAge is how long a reading of the stored bytes serves
// scrapes: the sum is one store query, not worth repeating for every
// Prometheus replica's scrape.
const storedBytesMaxAge = 30 * time.Second

// RegisterStoredBytes exposes parley_stored_file_bytes, the size of every
// stored upload (store.Files.StoredBytes), read at scrape time and kept
// for 30s. A failed read keeps the last value.
func RegisterStoredBytes(reg *monitoring.Registry, fs store.Files, now func() time.Time, log *slog.Logger) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	g := &storedBytes{files: fs, now: now, log: log}
	monitoring.OrNew(reg).GaugeFunc("stored_file_bytes", "Bytes of all stored uploads (the whole cluster's store), read at most every 30s.", g.value)
}

type storedBytes struct {
	files store.Files
	now   func() time.Time
	log   *slog.Logger

	mu   sync.Mutex
	at   time.Time
	last float64
}

func (g *storedBytes) value() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at.IsZero() && g.now().Sub(g.at) < storedBytesMaxAge {
		return g.last
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := g.files.StoredBytes(ctx)
	if err != nil {
		g.log.Warn("reading the stored file bytes failed", "err", err)
		return g.last
	}
	g.at, g.last = g.now(), float64(n)
	return g.last
}
