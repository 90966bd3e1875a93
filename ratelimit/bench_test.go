package ratelimit_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/rooms"
)

// BenchmarkAllow is one rate-limit decision: this node's own (what a
// single node pays) and the cluster's in the local Redis (one round trip
// running the GCRA script). Keys cycle over 1000 users.
func BenchmarkAllow(b *testing.B) {
	ctx := context.Background()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "u" + strconv.Itoa(i)
	}
	run := func(b *testing.B, l rooms.RateLimiter) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if !l.Allow(ctx, keys[i%len(keys)]) {
				b.Fatal("refused")
			}
			i++
		}
	}
	b.Run("local", func(b *testing.B) { run(b, rooms.NewLimiter(1e9, 1<<30, nil)) })
	b.Run("redis", func(b *testing.B) {
		n := newNode(redistest.Client(b), "parley-bench-"+parley.NewID(), 1e9, 1<<30)
		run(b, n.limiter)
	})
}
