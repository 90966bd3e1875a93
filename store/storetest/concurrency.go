package storetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
)

var concurrencyTests = []test{
	{"Concurrency/AppendsThroughCommitter", testConcurrentCommitter},
	{"Concurrency/AppendsDirect", testConcurrentDirect},
	{"Concurrency/MixedWritersAndReaders", testConcurrentMixed},
	{"Concurrency/DuplicateClientMsgIDRace", testDuplicateRace},
}

const (
	writers   = 16
	perWriter = 50
)

// appender is one way of getting a message stored.
type appender func(m parley.Message) (store.AppendResult, error)

func direct(t *testing.T, s *store.Store) appender {
	c := ctx(t)
	return func(m parley.Message) (store.AppendResult, error) {
		res, err := s.Messages.Append(c, []parley.Message{m})
		if err != nil {
			return store.AppendResult{}, err
		}
		return res[0], res[0].Err
	}
}

func committed(t *testing.T, s *store.Store) appender {
	c := groupcommit.New(s.Messages, groupcommit.Config{})
	t.Cleanup(c.Close)
	cx := ctx(t)
	return func(m parley.Message) (store.AppendResult, error) { return c.Append(cx, m) }
}

// hammer runs writers goroutines that each store perWriter messages through
// the appender chosen for them, and returns every stored message.
func hammer(t *testing.T, r parley.Room, u parley.User, pick func(w int) appender) []parley.Message {
	t.Helper()
	var mu sync.Mutex
	var stored []parley.Message
	var failures atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range writers {
		app := pick(w)
		wg.Go(func() {
			<-start
			for i := range perWriter {
				m := newMsg(r, u, fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("w%d-%d", w, i))
				res, err := app(m)
				if err != nil || res.Duplicate || res.Message.ID != m.ID {
					failures.Add(1)
					t.Errorf("writer %d message %d: %+v, %v", w, i, res, err)
					return
				}
				mu.Lock()
				stored = append(stored, res.Message)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if failures.Load() > 0 {
		t.FailNow()
	}
	return stored
}

// checkLog verifies that the acked messages hold exactly seqs 1..n, that the
// stored log is that same gap-free sequence, and that each seq holds the
// message it was acked with.
func checkLog(t *testing.T, s *store.Store, r parley.Room, acked []parley.Message) {
	t.Helper()
	n := int64(len(acked))
	slices.SortFunc(acked, func(a, b parley.Message) int { return int(a.Seq - b.Seq) })
	wantSeqs(t, acked, 1, n)

	log, more, err := s.Messages.After(ctx(t), r.ID, 0, int(n)+1)
	must(t, err)
	if more {
		t.Fatal("the log holds more than the acked messages")
	}
	wantSeqs(t, log, 1, n)
	for i := range log {
		if log[i].ID != acked[i].ID || log[i].Text != acked[i].Text {
			t.Fatalf("seq %d holds %s %q, but %s %q was acked with it",
				log[i].Seq, log[i].ID, log[i].Text, acked[i].ID, acked[i].Text)
		}
	}
	if got := lastSeq(t, s, r.ID); got != n {
		t.Fatalf("room lastSeq = %d, want %d", got, n)
	}
}

func testConcurrentCommitter(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	app := committed(t, s)
	checkLog(t, s, r, hammer(t, r, u, func(int) appender { return app }))
}

func testConcurrentDirect(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	app := direct(t, s)
	checkLog(t, s, r, hammer(t, r, u, func(int) appender { return app }))
}

// testConcurrentMixed appends through a committer and directly at once
// while readers check that the log they see is always a gap-free prefix: a
// reader must never see seq n+1 before seq n.
func testConcurrentMixed(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	viaCommitter, viaDirect := committed(t, s), direct(t, s)

	done := make(chan struct{})
	readCtx := ctx(t)
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				page, _, err := s.Messages.After(readCtx, r.ID, 0, writers*perWriter)
				if err != nil {
					t.Errorf("reader: %v", err)
					return
				}
				for i, m := range page {
					if m.Seq != int64(i+1) {
						t.Errorf("reader saw seqs %v: not a gap-free prefix", seqsOf(page))
						return
					}
				}
			}
		})
	}
	acked := hammer(t, r, u, func(w int) appender {
		if w%2 == 0 {
			return viaCommitter
		}
		return viaDirect
	})
	close(done)
	readers.Wait()
	checkLog(t, s, r, acked)
}

// testDuplicateRace sends one (sender, clientMsgId) from many goroutines at
// once, as a client retrying over several connections might: exactly one
// message is stored and everybody gets it.
func testDuplicateRace(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	viaCommitter, viaDirect := committed(t, s), direct(t, s)

	const senders = 32
	results := make([]store.AppendResult, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range senders {
		app := viaCommitter
		if i%2 == 1 {
			app = viaDirect
		}
		wg.Go(func() {
			<-start
			results[i], errs[i] = app(newMsg(r, u, fmt.Sprint("attempt ", i), "the-one"))
		})
	}
	close(start)
	wg.Wait()

	originals := 0
	for i := range senders {
		must(t, errs[i])
		if results[i].Message.ID != results[0].Message.ID || results[i].Message.Seq != 1 {
			t.Fatalf("sender %d got %s seq %d, sender 0 got %s seq %d", i,
				results[i].Message.ID, results[i].Message.Seq, results[0].Message.ID, results[0].Message.Seq)
		}
		if !results[i].Duplicate {
			originals++
		}
	}
	if originals != 1 {
		t.Fatalf("%d senders were told their message was new, want exactly 1", originals)
	}
	log, _, err := s.Messages.After(ctx(t), r.ID, 0, 100)
	must(t, err)
	if len(log) != 1 || log[0].ID != results[0].Message.ID {
		t.Fatalf("stored %d messages (%v), want exactly the one", len(log), seqsOf(log))
	}
	if got := lastSeq(t, s, r.ID); got != 1 {
		t.Fatalf("lastSeq = %d, want 1", got)
	}
}
