package rooms

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per user. Buckets idle long enough to be full
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

// Allow takes one token from userID's bucket.
func (l *Limiter) Allow(userID string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		l.sweep(now)
	}
	b, ok := l.buckets[userID]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[userID] = b
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
