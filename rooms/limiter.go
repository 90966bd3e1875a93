package rooms

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parley-chat/parley"
)

// RateLimiter spends one unit of a key's budget per call: each user's
// sends here, each user's questions in the assistant. Limiter is this
// node's own; a cluster shares one through Redis (package ratelimit).
type RateLimiter interface {
	// Allow reports whether key had a unit left, and spends it. It has no
	// error to return: an implementation whose shared state is out of
	// reach decides on this node's own, and says so in its logs and
	// metrics.
	Allow(ctx context.Context, key string) bool
}

var _ RateLimiter = (*Limiter)(nil)

// Limiter is a token bucket per key, in this node's memory. Buckets idle long enough to be full
// again are dropped, so memory follows active users, not all users.
type Limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

// NewLimiter allows perSecond sends per user with bursts of burst.
func NewLimiter(perSecond float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate.Limit(perSecond), burst: burst, now: now, buckets: map[string]*rate.Limiter{}, lastSweep: now()}
}

// Allow takes one token from key's bucket.
func (l *Limiter) Allow(_ context.Context, key string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	return b.AllowN(now, 1)
}

func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for id, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, id)
		}
	}
}

// Rate is a budget per key: PerSecond units a second, in bursts of Burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// RetryAfter is the longest a refused caller waits for its next unit: one
// unit's interval, rounded up to whole seconds (what Retry-After can say).
func (r Rate) RetryAfter() time.Duration {
	if r.PerSecond <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(1/r.PerSecond)) * time.Second
}

// Limit is a budget with the limiter that keeps it.
type Limit struct {
	Rate Rate
	// Limiter spends the budget; nil: a Limiter of Rate on this node alone.
	Limiter RateLimiter
}

// OrDefault fills in a Limit: a zero rate takes def's, a nil limiter is
// this node's own (now: time.Now when nil).
func (l Limit) OrDefault(def Rate, now func() time.Time) Limit {
	if l.Rate.PerSecond <= 0 {
		l.Rate.PerSecond = def.PerSecond
	}
	if l.Rate.Burst <= 0 {
		l.Rate.Burst = def.Burst
	}
	if l.Limiter == nil {
		l.Limiter = NewLimiter(l.Rate.PerSecond, l.Rate.Burst, now)
	}
	return l
}

// Check spends one unit of key's budget, or returns RATE_LIMITED with msg
// and the rate's RetryAfter.
func (l Limit) Check(ctx context.Context, key, msg string) error {
	if l.Limiter.Allow(ctx, key) {
		return nil
	}
	e := parley.Errorf(parley.CodeRateLimited, "%s", msg)
	e.RetryAfter = l.Rate.RetryAfter()
	return e
}
