// Package groupcommit batches concurrent message appends into one store
// transaction. Under load, appends that arrive while a commit is running ride
// in the next one, so a durable (fsync'd) commit is shared by many senders;
// when idle, a lone append commits at once.
package groupcommit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Config bounds a batch. Zero values take the defaults.
type Config struct {
	// MaxBatch caps the messages in one transaction (default 256).
	MaxBatch int
	// MaxDelay is how long a partial batch may wait for more appends
	// (default 0: commit what is queued as soon as the previous commit ends,
	// which already batches under load without adding latency when idle).
	MaxDelay time.Duration
	// Queue is the number of appends that may wait for a commit (default
	// 4*MaxBatch); beyond it Append blocks until there is room or ctx ends.
	Queue int
	// Timeout bounds one batch's transaction (default 10s).
	Timeout time.Duration
	// Observe, if set, is told the size of each committed batch.
	Observe func(batch int, took time.Duration, err error)
	// Metrics receives the committer's families (batch sizes and commit
	// latency; nil: a private registry).
	Metrics *monitoring.Registry
}

// metrics tell an operator how much batching buys: many messages per
// commit under load, one when idle.
type metrics struct {
	batch   prometheus.Histogram
	seconds prometheus.Histogram
}

func newMetrics(reg *monitoring.Registry) metrics {
	return metrics{
		batch: reg.SizeHistogram("groupcommit_batch_messages", "Messages stored per group commit.",
			[]float64{1, 2, 4, 8, 16, 32, 64, 128, 256}),
		seconds: reg.Histogram("groupcommit_commit_seconds", "Time one group commit (one store transaction) took."),
	}
}

// A request's outcome goes to exactly one party: the Append still waiting
// for it, or, once that Append gave up, the request's late func. The two
// race on state, so a message stored just as its sender's deadline passed
// is neither reported twice nor lost.
const (
	waiting int32 = iota
	delivered
	abandoned
)

type request struct {
	ctx   context.Context
	msg   parley.Message
	done  chan outcome
	late  func(store.AppendResult)
	state atomic.Int32
}

// deliver hands o to the waiting Append or, if it gave up, a stored
// message to late.
func (r *request) deliver(o outcome) {
	if r.state.CompareAndSwap(waiting, delivered) {
		r.done <- o // buffered: never blocks
		return
	}
	if r.late != nil && o.err == nil && o.res.Err == nil {
		r.late(o.res)
	}
}

type outcome struct {
	res store.AppendResult
	err error
}

// Committer funnels Append calls into batched store.Messages.Append calls.
type Committer struct {
	messages store.Messages
	cfg      Config
	metrics  metrics
	queue    chan *request

	mu     sync.RWMutex
	closed bool
	done   chan struct{}
}

// New starts a committer over messages; Close stops it.
func New(messages store.Messages, cfg Config) *Committer {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 4 * cfg.MaxBatch
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	c := &Committer{
		messages: messages,
		cfg:      cfg,
		metrics:  newMetrics(monitoring.OrNew(cfg.Metrics)),
		queue:    make(chan *request, cfg.Queue),
		done:     make(chan struct{}),
	}
	go c.run()
	return c
}

// Append stores m in the next batch and returns once that batch committed.
// It returns UNAVAILABLE after Close, ctx's error if ctx ends first (the
// message may still be stored: retrying with the same ClientMsgID is safe),
// the batch's error if its transaction failed, and otherwise the message's
// own result (whose Err may be set).
func (c *Committer) Append(ctx context.Context, m parley.Message) (store.AppendResult, error) {
	return c.AppendOr(ctx, m, nil)
}

// AppendOr is Append that, when ctx ends after m was queued and m is then
// stored (or found stored: Duplicate), calls late with its result instead
// of dropping it: exactly one of "AppendOr returned the result" and "late
// was called" happens for a stored message. late runs on the committer's
// goroutine before the next batch commits and before Close returns, so it
// must not block. Errors as for Append.
func (c *Committer) AppendOr(ctx context.Context, m parley.Message, late func(store.AppendResult)) (store.AppendResult, error) {
	if err := ctx.Err(); err != nil {
		return store.AppendResult{}, parley.Wrap(parley.CodeUnavailable, err, "message was not stored in time")
	}
	req := &request{ctx: ctx, msg: m, done: make(chan outcome, 1), late: late}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return store.AppendResult{}, parley.Errorf(parley.CodeUnavailable, "server is shutting down")
	}
	select {
	case c.queue <- req:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return store.AppendResult{}, parley.Wrap(parley.CodeUnavailable, ctx.Err(), "message was not stored in time")
	}
	var o outcome
	select {
	case o = <-req.done:
	case <-ctx.Done():
		if req.state.CompareAndSwap(waiting, abandoned) {
			return store.AppendResult{}, parley.Wrap(parley.CodeUnavailable, ctx.Err(), "message was not confirmed in time")
		}
		// The commit delivered first: the outcome is already in done.
		o = <-req.done
	}
	if o.err == nil && o.res.Err != nil {
		return o.res, o.res.Err
	}
	return o.res, o.err
}

// Close stops accepting appends, commits everything already queued and
// returns when the last batch is done. Safe to call twice.
func (c *Committer) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.done
}

func (c *Committer) run() {
	defer close(c.done)
	batch := make([]*request, 0, c.cfg.MaxBatch)
	for first := range c.queue {
		batch = append(batch[:0], first)
		batch = c.fill(batch)
		c.commit(batch)
	}
}

// fill takes what is already queued, then waits up to MaxDelay for more.
func (c *Committer) fill(batch []*request) []*request {
	var deadline <-chan time.Time
	for len(batch) < c.cfg.MaxBatch {
		select {
		case r, ok := <-c.queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			continue
		default:
		}
		if c.cfg.MaxDelay <= 0 {
			return batch
		}
		if deadline == nil {
			t := time.NewTimer(c.cfg.MaxDelay)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case r, ok := <-c.queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-deadline:
			return batch
		}
	}
	return batch
}

func (c *Committer) commit(batch []*request) {
	live := batch[:0:0]
	msgs := make([]parley.Message, 0, len(batch))
	for _, r := range batch {
		if r.ctx.Err() != nil {
			// Its sender gave up before the commit: not storing it keeps
			// "acked" and "stored" the same set.
			r.deliver(outcome{err: parley.Wrap(parley.CodeUnavailable, r.ctx.Err(), "message was not stored in time")})
			continue
		}
		live = append(live, r)
		msgs = append(msgs, r.msg)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	start := time.Now()
	results, err := c.messages.Append(ctx, msgs)
	cancel()
	took := time.Since(start)
	c.metrics.batch.Observe(float64(len(live)))
	c.metrics.seconds.Observe(took.Seconds())
	if c.cfg.Observe != nil {
		c.cfg.Observe(len(live), took, err)
	}
	if err == nil && len(results) != len(live) {
		err = parley.Errorf(parley.CodeInternal, "store answered %d results for %d messages", len(results), len(live))
	}
	for i, r := range live {
		if err != nil {
			r.deliver(outcome{err: err})
			continue
		}
		r.deliver(outcome{res: results[i]})
	}
}
