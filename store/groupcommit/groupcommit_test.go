package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
)

// fakeMessages is a store.Messages that records batches, assigns seqs and,
// when gated, holds each Append until the test lets it go.
type fakeMessages struct {
	store.Messages // only Append is used

	mu      sync.Mutex
	batches [][]string // message ids per Append call
	stored  map[string]bool
	seq     int64
	gate    chan struct{} // if set, each Append waits for a receive from it
	entered chan struct{} // if set, told when an Append starts (buffered)
	fail    error         // if set, every Append fails with it
	perMsg  map[string]error
}

func newFake() *fakeMessages { return &fakeMessages{stored: map[string]bool{}} }

func (f *fakeMessages) Append(ctx context.Context, msgs []parley.Message) ([]store.AppendResult, error) {
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	f.batches = append(f.batches, ids)
	if f.fail != nil {
		return nil, f.fail
	}
	res := make([]store.AppendResult, len(msgs))
	for i, m := range msgs {
		if err := f.perMsg[m.ID]; err != nil {
			res[i].Err = err
			continue
		}
		f.seq++
		m.Seq = f.seq
		f.stored[m.ID] = true
		res[i].Message = m
	}
	return res, nil
}

func (f *fakeMessages) isStored(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stored[id]
}

func (f *fakeMessages) batchSizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sizes []int
	for _, b := range f.batches {
		sizes = append(sizes, len(b))
	}
	return sizes
}

func msg(i int) parley.Message {
	return parley.Message{ID: fmt.Sprint("m", i), RoomID: "r", SenderID: "u", Text: fmt.Sprint(i)}
}

// waitQueued waits until n appends sit in the committer's queue.
func waitQueued(t *testing.T, c *Committer, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(c.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d appends queued after 5s, want %d", len(c.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

type result struct {
	res store.AppendResult
	err error
}

// appendAsync starts an Append and returns where its outcome will arrive.
func appendAsync(ctx context.Context, c *Committer, m parley.Message) <-chan result {
	ch := make(chan result, 1)
	go func() {
		res, err := c.Append(ctx, m)
		ch <- result{res, err}
	}()
	return ch
}

// TestBatchesQueuedAppends holds the first commit while more appends
// arrive: they must ride together in the next commits, each capped at
// MaxBatch, and each caller must get its own message back.
func TestBatchesQueuedAppends(t *testing.T) {
	f := newFake()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 100)
	var mu sync.Mutex
	var observed []int
	c := New(f, Config{MaxBatch: 8, Observe: func(n int, _ time.Duration, err error) {
		if err != nil {
			t.Errorf("Observe got error %v", err)
		}
		mu.Lock()
		observed = append(observed, n)
		mu.Unlock()
	}})
	defer c.Close()

	first := appendAsync(t.Context(), c, msg(0))
	<-f.entered // the first commit is running and held
	var outs []<-chan result
	for i := 1; i <= 20; i++ {
		outs = append(outs, appendAsync(t.Context(), c, msg(i)))
	}
	waitQueued(t, c, 20)
	close(f.gate)

	if r := <-first; r.err != nil || r.res.Message.ID != "m0" {
		t.Fatalf("first append: %+v %v", r.res, r.err)
	}
	for i, ch := range outs {
		r := <-ch
		if r.err != nil || r.res.Message.ID != fmt.Sprint("m", i+1) || r.res.Message.Seq == 0 {
			t.Fatalf("append %d: %+v %v", i+1, r.res, r.err)
		}
	}
	if got, want := f.batchSizes(), []int{1, 8, 8, 4}; !slices.Equal(got, want) {
		t.Fatalf("batch sizes = %v, want %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(observed, []int{1, 8, 8, 4}) {
		t.Fatalf("Observe saw batches %v, want [1 8 8 4]", observed)
	}
}

// TestBatchesUnderConcurrency uses the committer as the server does, with
// many concurrent senders and a store that takes a little while per
// commit: some commits must carry more than one message.
func TestBatchesUnderConcurrency(t *testing.T) {
	slow := &slowMessages{fakeMessages: newFake(), delay: 2 * time.Millisecond}
	var mu sync.Mutex
	largest, total := 0, 0
	c := New(slow, Config{Observe: func(n int, _ time.Duration, _ error) {
		mu.Lock()
		largest, total = max(largest, n), total+n
		mu.Unlock()
	}})
	defer c.Close()

	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			for i := range 10 {
				if _, err := c.Append(t.Context(), msg(g*100+i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if total != 320 {
		t.Fatalf("Observe counted %d messages, want 320", total)
	}
	if largest < 2 {
		t.Fatalf("largest batch was %d: concurrent appends were not batched", largest)
	}
	if n := len(slow.batchSizes()); n >= 320 {
		t.Fatalf("%d commits for 320 messages", n)
	}
}

type slowMessages struct {
	*fakeMessages
	delay time.Duration
}

func (s *slowMessages) Append(ctx context.Context, msgs []parley.Message) ([]store.AppendResult, error) {
	time.Sleep(s.delay)
	return s.fakeMessages.Append(ctx, msgs)
}

// TestMaxDelayGathersStragglers: with MaxDelay, appends arriving shortly
// after one another share a commit even though none was queued when the
// first arrived.
func TestMaxDelayGathersStragglers(t *testing.T) {
	f := newFake()
	c := New(f, Config{MaxDelay: time.Second, MaxBatch: 5})
	defer c.Close()
	var outs []<-chan result
	for i := range 5 {
		outs = append(outs, appendAsync(t.Context(), c, msg(i)))
		time.Sleep(5 * time.Millisecond)
	}
	for _, ch := range outs {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}
	// A full batch commits at once rather than waiting out MaxDelay, so
	// reaching here quickly is part of the check (the test would take a
	// second otherwise, but still pass: the sizes are what matter).
	if got := f.batchSizes(); !slices.Equal(got, []int{5}) {
		t.Fatalf("batch sizes = %v, want [5]", got)
	}
}

// TestCloseFlushesQueued: Close commits what is queued, returns only after
// it is stored, and later appends are refused with UNAVAILABLE.
func TestCloseFlushesQueued(t *testing.T) {
	f := newFake()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 100)
	c := New(f, Config{})

	first := appendAsync(t.Context(), c, msg(0))
	<-f.entered
	var outs []<-chan result
	for i := 1; i <= 10; i++ {
		outs = append(outs, appendAsync(t.Context(), c, msg(i)))
	}
	waitQueued(t, c, 10)

	closed := make(chan struct{})
	go func() {
		c.Close()
		close(closed)
	}()
	// Wait until Close has marked the committer closed (it then waits for
	// the run loop); new appends are refused from here on.
	for {
		c.mu.RLock()
		done := c.closed
		c.mu.RUnlock()
		if done {
			break
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a batch was still uncommitted")
	default:
	}
	if _, err := c.Append(t.Context(), msg(99)); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("Append while closing: %v, want UNAVAILABLE", err)
	}

	close(f.gate)
	<-closed
	for i, ch := range append([]<-chan result{first}, outs...) {
		r := <-ch
		if r.err != nil {
			t.Fatalf("append %d: %v", i, r.err)
		}
		if !f.isStored(fmt.Sprint("m", i)) {
			t.Fatalf("m%d acked but not stored", i)
		}
	}
	if f.isStored("m99") {
		t.Fatal("an append refused after Close was stored")
	}
	if _, err := c.Append(t.Context(), msg(100)); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("Append after Close: %v, want UNAVAILABLE", err)
	}
	c.Close() // twice is safe and returns at once
}

// TestCloseRacesAppends closes while many goroutines append: nothing
// panics, and the acked appends are exactly the stored ones.
func TestCloseRacesAppends(t *testing.T) {
	f := newFake()
	c := New(f, Config{MaxBatch: 4, Queue: 4})
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				m := msg(g*10000 + i)
				_, err := c.Append(t.Context(), m)
				if err != nil {
					if parley.CodeOf(err) != parley.CodeUnavailable {
						t.Errorf("Append: %v", err)
					}
					return
				}
				mu.Lock()
				acked[m.ID] = true
				mu.Unlock()
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	var closers sync.WaitGroup
	for range 3 {
		closers.Go(c.Close)
	}
	closers.Wait()
	wg.Wait()

	f.mu.Lock()
	defer f.mu.Unlock()
	if len(acked) == 0 {
		t.Fatal("no append succeeded before Close")
	}
	if len(acked) != len(f.stored) {
		t.Fatalf("%d appends acked, %d stored", len(acked), len(f.stored))
	}
	for id := range acked {
		if !f.stored[id] {
			t.Fatalf("%s acked but not stored", id)
		}
	}
}

// TestCancelledBeforeCommitIsNotStored: a sender that gives up while its
// message waits for a commit gets UNAVAILABLE, and the message is dropped
// from the batch, so "acked" and "stored" stay the same set.
func TestCancelledBeforeCommitIsNotStored(t *testing.T) {
	f := newFake()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 100)
	c := New(f, Config{})
	defer c.Close()

	first := appendAsync(t.Context(), c, msg(0))
	<-f.entered
	ctx, cancel := context.WithCancel(t.Context())
	gaveUp := appendAsync(ctx, c, msg(1))
	kept := appendAsync(t.Context(), c, msg(2))
	waitQueued(t, c, 2)
	cancel()
	r := <-gaveUp
	if parley.CodeOf(r.err) != parley.CodeUnavailable || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled append: %v, want UNAVAILABLE wrapping context.Canceled", r.err)
	}

	close(f.gate)
	for _, ch := range []<-chan result{first, kept} {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}
	if f.isStored("m1") {
		t.Fatal("the cancelled message was stored")
	}
	if !f.isStored("m2") {
		t.Fatal("the message queued with it was not stored")
	}
	if got := f.batchSizes(); !slices.Equal(got, []int{1, 1}) {
		t.Fatalf("batch sizes = %v, want [1 1]: the cancelled message must not reach the store", got)
	}

	// A context that is already over never reaches the store either.
	done, cancelNow := context.WithCancel(t.Context())
	cancelNow()
	if _, err := c.Append(done, msg(3)); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("append with an ended context: %v, want UNAVAILABLE", err)
	}
	if _, err := c.Append(t.Context(), msg(4)); err != nil { // flush
		t.Fatal(err)
	}
	if f.isStored("m3") {
		t.Fatal("a message whose context had ended was stored")
	}
}

// TestErrorsReachTheirSenders: a failed transaction fails every message of
// the batch; a per-message failure only its own.
func TestErrorsReachTheirSenders(t *testing.T) {
	f := newFake()
	f.perMsg = map[string]error{"m1": parley.Errorf(parley.CodeNotFound, "room not found")}
	c := New(f, Config{})
	defer c.Close()

	res, err := c.Append(t.Context(), msg(1))
	if parley.CodeOf(err) != parley.CodeNotFound || res.Err == nil {
		t.Fatalf("per-message failure: %+v %v, want NOT_FOUND as error and in the result", res, err)
	}
	if _, err := c.Append(t.Context(), msg(2)); err != nil {
		t.Fatalf("next message after a per-message failure: %v", err)
	}

	f.mu.Lock()
	f.fail = parley.Errorf(parley.CodeUnavailable, "database is busy")
	f.mu.Unlock()
	if _, err := c.Append(t.Context(), msg(3)); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("failed transaction: %v, want UNAVAILABLE", err)
	}
}

// TestMetricsCountBatches: every commit is observed in the registry it
// was given, as its number of messages and its duration.
func TestMetricsCountBatches(t *testing.T) {
	reg := monitoring.NewRegistry()
	c := New(newFake(), Config{Metrics: reg})
	defer c.Close()
	for i := range 3 {
		if _, err := c.Append(t.Context(), msg(i)); err != nil {
			t.Fatal(err)
		}
	}
	mfs, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]float64{}
	for _, mf := range mfs {
		h := mf.GetMetric()[0].GetHistogram()
		got[mf.GetName()] = [2]float64{float64(h.GetSampleCount()), h.GetSampleSum()}
	}
	if b := got["parley_groupcommit_batch_messages"]; b != [2]float64{3, 3} {
		t.Errorf("batch_messages count, sum = %v, want 3 commits of 1 message", b)
	}
	if s := got["parley_groupcommit_commit_seconds"]; s[0] != 3 {
		t.Errorf("commit_seconds observed %v commits, want 3", s[0])
	}
}

// TestLateGetsWhatItsSenderGaveUpOn: a sender whose context ends while its
// batch is committing gets UNAVAILABLE, and the message, stored after all,
// goes to late exactly once; a sender that waited gets its result and late
// is never called.
func TestLateGetsWhatItsSenderGaveUpOn(t *testing.T) {
	f := newFake()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 100)
	c := New(f, Config{})
	defer c.Close()

	var mu sync.Mutex
	var late []string
	record := func(res store.AppendResult) {
		mu.Lock()
		late = append(late, res.Message.ID)
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan error, 1)
	go func() {
		_, err := c.AppendOr(ctx, msg(1), record)
		out <- err
	}()
	<-f.entered // m1's batch is committing
	cancel()
	if err := <-out; parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("sender that gave up: %v, want UNAVAILABLE", err)
	}
	f.gate <- struct{}{}

	// The next append commits after m1's batch finished, and so after late.
	waited := make(chan result, 1)
	go func() {
		res, err := c.AppendOr(t.Context(), msg(2), record)
		waited <- result{res, err}
	}()
	<-f.entered
	f.gate <- struct{}{}
	if r := <-waited; r.err != nil || r.res.Message.ID != "m2" {
		t.Fatalf("sender that waited: %+v %v", r.res, r.err)
	}
	if !f.isStored("m1") {
		t.Fatal("m1 was not stored")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(late, []string{"m1"}) {
		t.Fatalf("late got %v, want [m1]: the abandoned message once, never the one its sender received", late)
	}
}
