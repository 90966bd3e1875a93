package sqlite_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
)

// Environment of the helper process started by TestSeparateProcesses.
const (
	envHelperDB   = "PARLEY_SQLITE_HELPER_DB"
	envHelperRoom = "PARLEY_SQLITE_HELPER_ROOM"
	envHelperUser = "PARLEY_SQLITE_HELPER_USER"
	envHelperName = "PARLEY_SQLITE_HELPER_NAME"
)

const (
	procWriters   = 4
	procPerWriter = 50
)

// TestSeparateProcesses runs the writers in real OS processes: SQLite's
// POSIX locks behave differently between processes than between
// connections of one process, and Parley runs as several processes on one
// file.
func TestSeparateProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test starts two OS processes of the test binary; make test runs it")
	}
	path := filepath.Join(t.TempDir(), "procs.db")
	s := openTemp(t, path)
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman}
	must(t, s.Users.Create(t.Context(), &u))
	r := parley.Room{ID: parley.NewID(), Name: "shared"}
	must(t, s.Rooms.Create(t.Context(), &r, u.ID))

	const procs = 2
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperProcessAppends$", "-test.count=1")
			cmd.Env = append(os.Environ(),
				envHelperDB+"="+path, envHelperRoom+"="+r.ID, envHelperUser+"="+u.ID,
				envHelperName+"="+strconv.Itoa(p))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("helper process %d: %v\n%s", p, err, out)
			}
		})
	}
	// This process writes too.
	appendFrom(t, s, r.ID, u.ID, "main")
	wg.Wait()
	if t.Failed() {
		return
	}

	const n = (procs + 1) * procWriters * procPerWriter
	log, more, err := s.Messages.After(t.Context(), r.ID, 0, n+1)
	must(t, err)
	if len(log) != n || more {
		t.Fatalf("log has %d messages (more=%v), want %d", len(log), more, n)
	}
	texts := map[string]bool{}
	for i, m := range log {
		if m.Seq != int64(i+1) {
			t.Fatalf("log[%d] has seq %d: not gap-free", i, m.Seq)
		}
		if texts[m.Text] {
			t.Fatalf("%q stored twice", m.Text)
		}
		texts[m.Text] = true
	}
	room, err := s.Rooms.ByID(t.Context(), r.ID)
	must(t, err)
	if room.LastSeq != n {
		t.Fatalf("lastSeq = %d, want %d", room.LastSeq, n)
	}
}

// TestHelperProcessAppends is the body of TestSeparateProcesses' child
// processes (the os/exec TestHelperProcess idiom). Run directly it has no
// database to write to, so it skips; TestSeparateProcesses runs it for real
// with the environment below set, and fails if it fails.
func TestHelperProcessAppends(t *testing.T) {
	path := os.Getenv(envHelperDB)
	if path == "" {
		t.Skip("not a test on its own: the child process of TestSeparateProcesses, which runs it with " + envHelperDB + " set")
	}
	s := openTemp(t, path)
	appendFrom(t, s, os.Getenv(envHelperRoom), os.Getenv(envHelperUser), "proc"+os.Getenv(envHelperName))
}

// appendFrom stores procWriters*procPerWriter messages through a committer
// and checks that the acked seqs of this process are distinct.
func appendFrom(t *testing.T, s *store.Store, roomID, userID, name string) {
	c := groupcommit.New(s.Messages, groupcommit.Config{})
	defer c.Close()
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for w := range procWriters {
		wg.Go(func() {
			for i := range procPerWriter {
				key := fmt.Sprintf("%s-w%d-%d", name, w, i)
				res, err := c.Append(t.Context(), parley.Message{ID: parley.NewID(), RoomID: roomID,
					SenderID: userID, Text: key, ClientMsgID: key})
				if err != nil || res.Duplicate {
					t.Errorf("%s: %+v %v", key, res, err)
					return
				}
				mu.Lock()
				if seen[res.Message.Seq] {
					t.Errorf("seq %d acked twice", res.Message.Seq)
				}
				seen[res.Message.Seq] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
