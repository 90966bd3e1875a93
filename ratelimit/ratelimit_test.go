package ratelimit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/ratelimit"
	"github.com/parley-chat/parley/rooms"
)

type node struct {
	limiter *ratelimit.Limiter
	reg     *monitoring.Registry
	logs    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newNode is one node's "send" limit of perSecond and burst, on client.
func newNode(client *goredis.Client, prefix string, perSecond float64, burst int) *node {
	n := &node{reg: monitoring.NewRegistry(), logs: &syncBuffer{}}
	c := ratelimit.New(ratelimit.Config{
		Client: client, Prefix: prefix, Metrics: n.reg,
		// A loaded test machine must not turn a slow answer into a local
		// decision: that is another test's subject.
		Timeout: 5 * time.Second,
		Logger:  slog.New(slog.NewTextHandler(n.logs, nil)),
	})
	n.limiter = c.Limiter("send", perSecond, burst, rooms.NewLimiter(perSecond, burst, nil))
	return n
}

func (n *node) localDecisions(t *testing.T) float64 {
	t.Helper()
	mfs, err := n.reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "parley_rate_limit_local_decisions_total" {
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[0].GetValue() == "send" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// Two nodes share one budget: a user spending alternately through each
// gets the burst once, not once per node; another user has a budget of
// their own.
func TestNodesShareOneBudget(t *testing.T) {
	client := redistest.Client(t)
	prefix := "parley-test-" + parley.NewID()
	a, b := newNode(client, prefix, 0.001, 5), newNode(client, prefix, 0.001, 5) // no refill within the test
	ctx := context.Background()
	allowed := 0
	for i := range 12 {
		n := a
		if i%2 == 1 {
			n = b
		}
		if n.limiter.Allow(ctx, "carol") {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("carol was allowed %d of 12 across two nodes, want the burst of 5", allowed)
	}
	if !b.limiter.Allow(ctx, "dave") {
		t.Error("dave was refused: carol's budget is not his")
	}
	for _, n := range []*node{a, b} {
		if got := n.localDecisions(t); got != 0 {
			t.Errorf("%v decisions were made locally with Redis up", got)
		}
	}
	// The budget is one key under the cluster's prefix, which expires.
	key := "rate:" + prefix + "#parley#limit#send#carol"
	ttl, err := client.TTL(ctx, key).Result()
	if err != nil || ttl <= 0 {
		t.Errorf("TTL of %s = %v, %v; want a key that expires", key, ttl, err)
	}
}

// The budget refills at the rate: spent at once, one more unit is allowed
// an emission interval later (polled: the test states no speed).
func TestBudgetRefills(t *testing.T) {
	client := redistest.Client(t)
	n := newNode(client, "parley-test-"+parley.NewID(), 20, 2)
	ctx := context.Background()
	for range 2 {
		if !n.limiter.Allow(ctx, "carol") {
			t.Fatal("refused within the burst")
		}
	}
	if n.limiter.Allow(ctx, "carol") {
		t.Fatal("allowed past the burst at once")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !n.limiter.Allow(ctx, "carol") {
		if time.Now().After(deadline) {
			t.Fatal("no unit came back within 10 s at 20 a second")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// With Redis out of reach, each node still limits on its own (the burst,
// per node), counts each such decision, and warns once per period.
func TestUnreachableRedisLimitsLocally(t *testing.T) {
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}) // nothing listens there
	defer client.Close()
	n := newNode(client, "parley-test-"+parley.NewID(), 0.001, 3)
	ctx := context.Background()
	allowed := 0
	for range 10 {
		if n.limiter.Allow(ctx, "carol") {
			allowed++
		}
	}
	if allowed != 3 {
		t.Errorf("carol was allowed %d of 10 with Redis down, want the local burst of 3", allowed)
	}
	if got := n.localDecisions(t); got != 10 {
		t.Errorf("parley_rate_limit_local_decisions_total{limit=\"send\"} = %v, want 10", got)
	}
	if got := strings.Count(n.logs.String(), "rate limit decided on this node alone"); got != 1 {
		t.Errorf("%d warnings, want 1 per period:\n%s", got, n.logs)
	}
}
