package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/store/sqlite"
)

// ackedMessage is what a writer's ack told it was stored.
type ackedMessage struct {
	room, id, text string
	seq            int64
}

// ackLog records every acked message of every writer, in the order the
// acks arrived, and wakes the test when it reaches a count.
type ackLog struct {
	mu      sync.Mutex
	acks    []ackedMessage
	waiters []ackWaiter
}

type ackWaiter struct {
	n    int
	done chan struct{}
}

func (l *ackLog) add(m ackedMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acks = append(l.acks, m)
	kept := l.waiters[:0]
	for _, w := range l.waiters {
		if len(l.acks) >= w.n {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	l.waiters = kept
}

// reached is closed once n acks in all have arrived.
func (l *ackLog) reached(n int) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	done := make(chan struct{})
	if len(l.acks) >= n {
		close(done)
	} else {
		l.waiters = append(l.waiters, ackWaiter{n: n, done: done})
	}
	return done
}

func (l *ackLog) snapshot() []ackedMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ackedMessage(nil), l.acks...)
}

// TestBackupUnderWriteLoad runs `parley backup` against a node while
// several clients keep sending messages and recording each ack. The copy
// must hold every message acked before the backup began, with its exact
// text and seq; whatever else it holds of those rooms must be messages
// that were acked (during the backup), gap-free from seq 1: a snapshot,
// nothing half-written. The writers must see no error throughout.
func TestBackupUnderWriteLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.SendRate, cfg.SendBurst = 100000, 100000
	n := boot(t, cfg)

	const writers = 4
	const beforeBackup, afterBackup = 2000, 200 // acks in all
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	var log ackLog
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	rooms := make([]string, writers)
	for w := range writers {
		name := fmt.Sprintf("writer%d", w)
		sess, err := parleyclient.Register(t.Context(), n.base, name, "password1")
		if err != nil {
			t.Fatalf("register %s: %v", name, err)
		}
		c, err := parleyclient.Dial(t.Context(), n.base, sess.Token, parleyclient.Options{})
		if err != nil {
			t.Fatalf("dial %s: %v", name, err)
		}
		t.Cleanup(func() { c.Close() })
		room, err := c.CreateRoom(t.Context(), "load-"+name, "", false)
		if err != nil {
			t.Fatalf("create room of %s: %v", name, err)
		}
		rooms[w] = room.ID
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Stopping lets the send in flight finish: a message the copy
			// holds may have been stored just before the snapshot with its
			// ack still on the way, and that ack must be recorded too.
			for i := 0; ctx.Err() == nil; i++ {
				text := fmt.Sprintf("%s message %d: %s", name, i, "ünïcødé and a 'quote'")
				m, err := c.Send(t.Context(), parleyclient.SendRequest{Room: room.ID, Text: text})
				if err != nil {
					errs <- fmt.Errorf("%s send %d: %w", name, i, err)
					return
				}
				log.add(ackedMessage{room: m.Room, id: m.ID, text: m.Text, seq: m.Seq})
			}
		}()
	}

	select {
	case <-log.reached(beforeBackup):
	case err := <-errs:
		t.Fatal(err)
	}
	before := log.snapshot() // every ack here arrived before the backup began
	target := filepath.Join(t.TempDir(), "backup.db")
	var stdout, stderr bytes.Buffer
	code := BackupCommand(t.Context(), envOf(map[string]string{"PARLEY_DATA_DIR": dir}), []string{target}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("parley backup = %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	// The node kept serving: more acks arrive after the backup.
	select {
	case <-log.reached(len(log.snapshot()) + afterBackup):
	case err := <-errs:
		t.Fatal(err)
	}
	stop()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	all := log.snapshot()

	if _, err := sqlite.Inspect(t.Context(), target); err != nil {
		t.Fatalf("the backup fails its check: %v", err)
	}
	// Opened as a store in a directory of its own (it makes files/ there).
	copyDir := t.TempDir()
	copyPath := filepath.Join(copyDir, "parley.db")
	tmp, err := copyBeside(target, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, copyPath); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: copyPath})
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer st.Backend.Close()

	inCopy := map[string]ackedMessage{} // by id
	for _, room := range rooms {
		var after int64
		for {
			page, more, err := st.Messages.After(t.Context(), room, after, 100)
			if err != nil {
				t.Fatalf("read room %s of the copy: %v", room, err)
			}
			for _, m := range page {
				if m.Seq != after+1 {
					t.Fatalf("room %s of the copy: seq %d follows %d", room, m.Seq, after)
				}
				after = m.Seq
				inCopy[m.ID] = ackedMessage{room: m.RoomID, id: m.ID, text: m.Text, seq: m.Seq}
			}
			if !more {
				break
			}
		}
	}
	for _, m := range before {
		if got, ok := inCopy[m.id]; !ok {
			t.Errorf("acked before the backup, missing from it: %+v", m)
		} else if got != m {
			t.Errorf("acked before the backup as %+v, in the copy as %+v", m, got)
		}
	}
	acked := map[string]ackedMessage{}
	for _, m := range all {
		acked[m.id] = m
	}
	for id, got := range inCopy {
		if want, ok := acked[id]; !ok || got != want {
			t.Errorf("in the copy but never acked as such: %+v (acked: %+v)", got, want)
		}
	}
	t.Logf("acked before the backup: %d; in the copy: %d; acked in all: %d", len(before), len(inCopy), len(all))
}
