package rooms

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable time source for the limiter.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// allowed counts how many of n attempts userID is allowed.
func allowed(l *Limiter, userID string, n int) int {
	ok := 0
	for range n {
		if l.Allow(context.Background(), userID) {
			ok++
		}
	}
	return ok
}

func TestLimiterBurstThenRefusal(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(2, 5, clk.Now)
	if got := allowed(l, "u1", 5); got != 5 {
		t.Fatalf("first burst: %d of 5 allowed", got)
	}
	if l.Allow(context.Background(), "u1") {
		t.Fatal("6th send at the same instant was allowed")
	}
	if l.Allow(context.Background(), "u1") {
		t.Fatal("refusal must not be undone by asking again")
	}
}

func TestLimiterRefill(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(2, 5, clk.Now) // one token every 500ms
	allowed(l, "u1", 5)

	clk.Add(499 * time.Millisecond)
	if l.Allow(context.Background(), "u1") {
		t.Fatal("allowed before a whole token was refilled")
	}
	clk.Add(time.Millisecond)
	if !l.Allow(context.Background(), "u1") {
		t.Fatal("refused after 500ms at 2/s")
	}
	if l.Allow(context.Background(), "u1") {
		t.Fatal("500ms refills one token, not two")
	}

	clk.Add(time.Second)
	if got := allowed(l, "u1", 5); got != 2 {
		t.Fatalf("after 1s at 2/s: %d allowed, want 2", got)
	}

	// Refill is capped at the burst.
	clk.Add(time.Hour)
	if got := allowed(l, "u1", 10); got != 5 {
		t.Fatalf("after a long pause: %d allowed, want the burst of 5", got)
	}
}

func TestLimiterUsersAreIndependent(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(1, 3, clk.Now)
	if got := allowed(l, "alice", 10); got != 3 {
		t.Fatalf("alice: %d allowed, want 3", got)
	}
	if got := allowed(l, "bob", 10); got != 3 {
		t.Fatalf("bob after alice was throttled: %d allowed, want 3", got)
	}
	if l.Allow(context.Background(), "alice") {
		t.Fatal("bob's sends refilled alice's bucket")
	}
}

func TestLimiterSweepsIdleBuckets(t *testing.T) {
	clk := newFakeClock()
	// A very slow refill: one token per 1000s, so a drained bucket is far
	// from full a few minutes later.
	l := NewLimiter(0.001, 2, clk.Now)
	if got := allowed(l, "busy", 5); got != 2 {
		t.Fatalf("busy: %d allowed, want 2", got)
	}
	for _, u := range []string{"idle1", "idle2"} {
		if !l.Allow(context.Background(), u) {
			t.Fatalf("%s refused its first send", u)
		}
	}

	// More than the sweep interval later, nobody's bucket is full yet: a
	// sweep must not forget the drained bucket (which would hand "busy" a
	// fresh burst).
	clk.Add(2 * time.Minute)
	if l.Allow(context.Background(), "busy") {
		t.Fatal("a sweep reset a drained bucket: busy was allowed again after 2 minutes at 0.001/s")
	}
	if got := l.bucketCount(); got != 3 {
		t.Fatalf("after a sweep with no full bucket: %d buckets, want 3", got)
	}

	// Long enough for every bucket to be full again: idle users are
	// forgotten, and a returning user has exactly a full burst.
	clk.Add(time.Hour)
	if !l.Allow(context.Background(), "other") { // triggers the sweep
		t.Fatal("a new user was refused")
	}
	if got := l.bucketCount(); got != 1 {
		t.Fatalf("after an hour idle: %d buckets kept, want only the new user's", got)
	}
	if got := allowed(l, "busy", 5); got != 2 {
		t.Fatalf("busy after an hour idle: %d allowed, want a full burst of 2", got)
	}
}

func (l *Limiter) bucketCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
