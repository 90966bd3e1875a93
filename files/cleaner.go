package files

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
)

// CleanerConfig configures a Cleaner. Zero values take the defaults noted.
type CleanerConfig struct {
	Files store.Files
	Blobs store.Blobs
	// Interval is the time between two sweeps (1h).
	Interval time.Duration
	// MaxAge is how old an unattached upload must be to be removed (24h):
	// long enough for anyone who uploaded to finish the message.
	MaxAge time.Duration
	// Batch bounds the files one store call returns (100); a sweep goes on
	// until a batch comes back short.
	Batch   int
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *monitoring.Registry
}

// Cleaner removes uploads that no message holds: never attached within
// MaxAge, or attached to a message since deleted (store.Files.Orphans
// returns both). Blobs go first, then the metadata, so a crash between the
// two leaves metadata that the next sweep finds again, never a blob that
// nothing names.
type Cleaner struct {
	cfg     CleanerConfig
	removed prometheus.Counter

	stop     context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once
}

// NewCleaner prepares a cleaner; Start runs it.
func NewCleaner(cfg CleanerConfig) *Cleaner {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Hour
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	reg := monitoring.OrNew(cfg.Metrics)
	return &Cleaner{
		cfg:     cfg,
		removed: reg.Counter("orphan_files_removed_total", "Uploads removed because no message holds them (never attached within a day, or their message was deleted)."),
	}
}

// Start sweeps every Interval, the first time at once, until Close.
func (c *Cleaner) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.stop, c.done = cancel, make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(c.cfg.Interval)
		defer t.Stop()
		for {
			if _, err := c.Sweep(ctx); err != nil && ctx.Err() == nil {
				c.cfg.Logger.Warn("orphan file sweep failed; retrying at the next interval", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops the loop and waits for a sweep in progress to end. Safe to
// call twice, and without Start.
func (c *Cleaner) Close() {
	c.stopOnce.Do(func() {
		if c.stop != nil {
			c.stop()
			<-c.done
		}
	})
}

// Sweep removes the orphans older than MaxAge now, batch after batch, and
// returns how many it removed.
func (c *Cleaner) Sweep(ctx context.Context) (int, error) {
	cutoff := c.cfg.Now().Add(-c.cfg.MaxAge)
	removed := 0
	for {
		batch, err := c.cfg.Files.Orphans(ctx, cutoff, c.cfg.Batch)
		if err != nil {
			return removed, err
		}
		for _, f := range batch {
			if err := c.remove(ctx, f); err != nil {
				return removed, err
			}
			removed++
			c.removed.Inc()
		}
		if len(batch) < c.cfg.Batch {
			if removed > 0 {
				c.cfg.Logger.Info("orphan files removed", "count", removed)
			}
			return removed, nil
		}
	}
}

func (c *Cleaner) remove(ctx context.Context, f parley.File) error {
	if err := c.cfg.Blobs.Delete(ctx, parley.ThumbKey(f.ID)); err != nil {
		return err
	}
	if err := c.cfg.Blobs.Delete(ctx, f.ID); err != nil {
		return err
	}
	err := c.cfg.Files.Delete(ctx, f.ID)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil // another node's sweep got there first
	}
	return err
}
