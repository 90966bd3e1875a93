// Package ratelimit enforces Parley's per-user limits (sends, questions to
// the assistant) across every node of a cluster: each node keeping its own
// buckets would let a user send as much again through each node. The
// budgets live in Redis, spent by a GCRA script (github.com/go-redis/redis_rate:
// the same burst-then-rate behaviour as a token bucket, one round trip per
// decision, the state one key per user that expires once full again). When
// Redis does not answer in time, a decision falls back on a limiter of this
// node's own, and Redis is left alone for a while.
package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley/monitoring"
)

// Local is the limiter a decision falls back on (rooms.Limiter).
type Local interface {
	// Allow reports whether key had a unit left, and spends it.
	Allow(ctx context.Context, key string) bool
}

// Config configures a Cluster. Zero values take the defaults noted.
type Config struct {
	// Client reaches the Redis shared by the cluster's nodes (required).
	Client *goredis.Client
	// Prefix separates clusters sharing one Redis (PARLEY_REDIS_PREFIX).
	// A budget's key is "rate:<Prefix>#parley#limit#<limit>#<key>" (the
	// library adds "rate:").
	Prefix string
	// Timeout bounds one decision in Redis, which sits on the send path
	// (100ms).
	Timeout time.Duration
	// Pause is how long Redis is left alone after it failed a decision,
	// so an outage does not cost every send a timeout (1s).
	Pause time.Duration
	// LogEvery bounds the warnings about decisions made locally to one per
	// limit per period (1m).
	LogEvery time.Duration
	Metrics  *monitoring.Registry
	Logger   *slog.Logger
	Now      func() time.Time
}

// Cluster makes the limits of one cluster.
type Cluster struct {
	cfg   Config
	rate  *redis_rate.Limiter
	local *prometheus.CounterVec
}

// New builds a Cluster on cfg.Client.
func New(cfg Config) *Cluster {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 100 * time.Millisecond
	}
	if cfg.Pause <= 0 {
		cfg.Pause = time.Second
	}
	if cfg.LogEvery <= 0 {
		cfg.LogEvery = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Cluster{
		cfg:  cfg,
		rate: redis_rate.NewLimiter(cfg.Client),
		local: monitoring.OrNew(cfg.Metrics).CounterVec("rate_limit_local_decisions_total",
			"Rate-limit decisions this node made on its own because Redis did not answer in time.", "limit"),
	}
}

// Limiter is one limit, such as "send", shared by the cluster: perSecond
// units per second per key, with bursts of burst. local decides when Redis
// does not answer; it should have the same rate and burst. A perSecond of
// zero or less is local's alone.
func (c *Cluster) Limiter(name string, perSecond float64, burst int, local Local) *Limiter {
	l := &Limiter{
		c:       c,
		name:    name,
		prefix:  c.cfg.Prefix + "#parley#limit#" + name + "#",
		local:   local,
		counted: c.local.WithLabelValues(name),
	}
	if perSecond > 0 {
		// GCRA spaces units by Period/Rate: one unit per emission interval
		// keeps fractional rates (0.2 questions a second) exact.
		l.limit = redis_rate.Limit{Rate: 1, Period: time.Duration(float64(time.Second) / perSecond), Burst: burst}
	}
	return l
}

// Limiter is one limit of a Cluster. It implements rooms.RateLimiter.
type Limiter struct {
	c       *Cluster
	name    string
	prefix  string
	limit   redis_rate.Limit
	local   Local
	counted prometheus.Counter

	mu        sync.Mutex
	pauseTill time.Time
	logged    time.Time
}

// Allow spends one unit of key's budget, in Redis or, when Redis does not
// answer within the timeout (or failed less than a pause ago), locally.
func (l *Limiter) Allow(ctx context.Context, key string) bool {
	if l.limit.IsZero() {
		return l.local.Allow(ctx, key)
	}
	if l.paused() {
		return l.fallBack(ctx, key)
	}
	rctx, cancel := context.WithTimeout(ctx, l.c.cfg.Timeout)
	res, err := l.c.rate.Allow(rctx, l.prefix+key, l.limit)
	cancel()
	if err != nil {
		// A caller that went away says nothing of Redis.
		if ctx.Err() == nil {
			l.failed(err)
		}
		return l.fallBack(ctx, key)
	}
	return res.Allowed > 0
}

func (l *Limiter) fallBack(ctx context.Context, key string) bool {
	l.counted.Inc()
	return l.local.Allow(ctx, key)
}

func (l *Limiter) paused() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.cfg.Now().Before(l.pauseTill)
}

func (l *Limiter) failed(err error) {
	now := l.c.cfg.Now()
	l.mu.Lock()
	l.pauseTill = now.Add(l.c.cfg.Pause)
	log := l.logged.IsZero() || now.Sub(l.logged) >= l.c.cfg.LogEvery
	if log {
		l.logged = now
	}
	l.mu.Unlock()
	if log {
		l.c.cfg.Logger.Warn("rate limit decided on this node alone: Redis did not answer (each node now allows the whole budget)",
			"limit", l.name, "err", err, "next_warning_in", l.c.cfg.LogEvery)
	}
}
