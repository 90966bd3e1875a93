package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
	"github.com/parley-chat/parley/store/sqlite"
	"github.com/parley-chat/parley/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store {
		return openTemp(t, filepath.Join(t.TempDir(), "parley.db"))
	})
}

func openTemp(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := sqliteOpen(t, path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sqliteOpen opens path for a test or benchmark and closes it at its end.
func sqliteOpen(tb testing.TB, path string) (*store.Store, error) {
	s, err := sqlite.Open(tb.Context(), sqlite.Config{Path: path})
	if err != nil {
		return nil, err
	}
	tb.Cleanup(func() { _ = s.Backend.Close() })
	return s, nil
}

// TestTwoProcessesShareOneFile opens the same file twice, as two Parley
// processes would, and appends to one room from both at once: the write
// lock, not the process, must keep seqs gap-free.
func TestTwoProcessesShareOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := openTemp(t, path), openTemp(t, path)
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman}
	must(t, a.Users.Create(t.Context(), &u))
	r := parley.Room{ID: parley.NewID(), Name: "shared"}
	must(t, a.Rooms.Create(t.Context(), &r, u.ID))

	const perWriter = 40
	var appenders []func(parley.Message) (store.AppendResult, error)
	for _, s := range []*store.Store{a, b} {
		c := groupcommit.New(s.Messages, groupcommit.Config{})
		t.Cleanup(c.Close)
		appenders = append(appenders,
			func(m parley.Message) (store.AppendResult, error) { return c.Append(t.Context(), m) },
			func(m parley.Message) (store.AppendResult, error) {
				res, err := s.Messages.Append(t.Context(), []parley.Message{m})
				if err != nil {
					return store.AppendResult{}, err
				}
				return res[0], res[0].Err
			})
	}

	var mu sync.Mutex
	acked := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		app := appenders[w%len(appenders)]
		wg.Go(func() {
			for i := range perWriter {
				m := parley.Message{ID: parley.NewID(), RoomID: r.ID, SenderID: u.ID,
					Text: fmt.Sprintf("w%d-%d", w, i), ClientMsgID: fmt.Sprintf("w%d-%d", w, i)}
				res, err := app(m)
				if err != nil || res.Duplicate {
					t.Errorf("writer %d: %+v %v", w, res, err)
					return
				}
				mu.Lock()
				if prev, ok := acked[res.Message.Seq]; ok {
					t.Errorf("seq %d acked twice: %s and %s", res.Message.Seq, prev, m.ID)
				}
				acked[res.Message.Seq] = m.ID
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	const n = 8 * perWriter
	for _, s := range []*store.Store{a, b} {
		log, more, err := s.Messages.After(t.Context(), r.ID, 0, n+1)
		must(t, err)
		if len(log) != n || more {
			t.Fatalf("log has %d messages (more=%v), want %d", len(log), more, n)
		}
		for i, m := range log {
			if m.Seq != int64(i+1) || acked[m.Seq] != m.ID {
				t.Fatalf("log[%d] = seq %d id %s, acked %s for that seq", i, m.Seq, m.ID, acked[m.Seq])
			}
		}
	}
}

// TestReopenContinues closes the database and opens it again: the data is
// there and seqs continue where they stopped.
func TestReopenContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.db")
	s, err := sqlite.Open(t.Context(), sqlite.Config{Path: path})
	must(t, err)
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman}
	must(t, s.Users.Create(t.Context(), &u))
	r := parley.Room{ID: parley.NewID(), Name: "kept"}
	must(t, s.Rooms.Create(t.Context(), &r, u.ID))
	for i := range 3 {
		_, err := s.Messages.Append(t.Context(), []parley.Message{{ID: parley.NewID(), RoomID: r.ID,
			SenderID: u.ID, Text: fmt.Sprint(i), ClientMsgID: fmt.Sprint("c", i)}})
		must(t, err)
	}
	must(t, s.Backend.Close())

	s = openTemp(t, path)
	got, err := s.Users.ByUsername(t.Context(), "ANN")
	must(t, err)
	if got.ID != u.ID {
		t.Fatalf("user after reopen = %+v", got)
	}
	res, err := s.Messages.Append(t.Context(), []parley.Message{
		{ID: parley.NewID(), RoomID: r.ID, SenderID: u.ID, Text: "again", ClientMsgID: "c1"},
		{ID: parley.NewID(), RoomID: r.ID, SenderID: u.ID, Text: "new", ClientMsgID: "c9"},
	})
	must(t, err)
	if !res[0].Duplicate || res[0].Message.Seq != 2 {
		t.Fatalf("retry after reopen = %+v, want duplicate of seq 2", res[0])
	}
	if res[1].Duplicate || res[1].Message.Seq != 4 {
		t.Fatalf("new message after reopen = %+v, want seq 4", res[1])
	}
	m, err := s.Memberships.Get(t.Context(), r.ID, u.ID)
	must(t, err)
	if m.ReadSeq != 4 {
		t.Fatalf("readSeq after reopen = %d, want 4", m.ReadSeq)
	}
}

// TestBusyIsUnavailable holds the write lock from another connection: a
// write that cannot get it within BusyTimeout fails with UNAVAILABLE, and
// succeeds once the lock is released.
func TestBusyIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	s, err := sqlite.Open(t.Context(), sqlite.Config{Path: path, BusyTimeout: 100 * time.Millisecond})
	must(t, err)
	t.Cleanup(func() { _ = s.Backend.Close() })
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman}
	must(t, s.Users.Create(t.Context(), &u))
	r := parley.Room{ID: parley.NewID(), Name: "locked"}
	must(t, s.Rooms.Create(t.Context(), &r, u.ID))

	other, err := sql.Open("sqlite", path)
	must(t, err)
	defer other.Close()
	conn, err := other.Conn(t.Context())
	must(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	must(t, err)

	start := time.Now()
	_, err = s.Messages.Append(t.Context(), []parley.Message{{ID: parley.NewID(), RoomID: r.ID, SenderID: u.ID, Text: "x"}})
	if code := parley.CodeOf(err); code != parley.CodeUnavailable {
		t.Fatalf("Append under a foreign write lock: %v (code %q), want UNAVAILABLE", err, code)
	}
	if waited := time.Since(start); waited < 80*time.Millisecond {
		t.Fatalf("gave up after %v, before the busy timeout", waited)
	}
	_, err = s.Memberships.MarkRead(t.Context(), r.ID, u.ID, 0)
	if code := parley.CodeOf(err); code != parley.CodeUnavailable {
		t.Fatalf("MarkRead under a foreign write lock: %v, want UNAVAILABLE", err)
	}
	// Reads are not blocked by a writer in WAL mode.
	if _, err := s.Rooms.ByID(t.Context(), r.ID); err != nil {
		t.Fatalf("read under a foreign write lock: %v", err)
	}

	_, err = conn.ExecContext(t.Context(), "ROLLBACK")
	must(t, err)
	res, err := s.Messages.Append(t.Context(), []parley.Message{{ID: parley.NewID(), RoomID: r.ID, SenderID: u.ID, Text: "x"}})
	must(t, err)
	if res[0].Err != nil || res[0].Message.Seq != 1 {
		t.Fatalf("Append after the lock was released = %+v, want seq 1", res[0])
	}
}

func TestOpenRejectsBadConfig(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		if _, err := sqlite.Open(t.Context(), sqlite.Config{Path: path}); err == nil {
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
