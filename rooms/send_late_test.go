package rooms_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// gatedMessages holds the first Append made after arm until release is
// closed: a commit slower than its sender's deadline.
type gatedMessages struct {
	store.Messages
	armed   atomic.Bool
	used    atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (g *gatedMessages) Append(ctx context.Context, msgs []parley.Message) ([]store.AppendResult, error) {
	if g.armed.Load() && g.used.CompareAndSwap(false, true) {
		close(g.entered)
		<-g.release
	}
	return g.Messages.Append(ctx, msgs)
}

// TestSendThatTimedOutWhileCommittingIsPublishedOnce: the sender's deadline
// passes while its message's batch is still committing. The sender gets
// UNAVAILABLE, yet the message is stored, so the room and the assistant
// must still get it, once; the retry with the same clientMsgId answers the
// stored original and publishes nothing more.
func TestSendThatTimedOutWhileCommittingIsPublishedOnce(t *testing.T) {
	gate := &gatedMessages{entered: make(chan struct{}), release: make(chan struct{})}
	f := newHub(t, func(c *rooms.Config) {
		gate.Messages = c.Store.Messages
		c.Store.Messages = gate
	})
	alice, bob := f.user("alice"), f.user("bob")
	var mu sync.Mutex
	var observed []string
	f.hub.OnMessage(func(p rooms.Posted) {
		mu.Lock()
		observed = append(observed, p.Message.ID)
		mu.Unlock()
	})
	gate.armed.Store(true)

	req := rooms.SendRequest{Room: parley.DefaultRoomID, Text: "anyone there?", ClientMsgID: "slow-1"}
	var acks atomic.Int32
	ack := func(protocol.Message) { acks.Add(1) }
	// The deadline is the caller's here rather than StoreTimeout's, so that
	// it ends exactly while the commit runs, however loaded the machine.
	ctx, giveUp := context.WithCancel(f.ctx)
	failed := make(chan error, 1)
	go func() {
		_, err := f.hub.Send(ctx, alice, req, ack)
		failed <- err
	}()
	<-gate.entered
	giveUp()
	wantCode(t, <-failed, parley.CodeUnavailable)
	if n := acks.Load(); n != 0 {
		t.Fatalf("ack called %d times for a send that failed", n)
	}
	close(gate.release)

	deadline := time.Now().Add(5 * time.Second)
	for len(f.rec.Emits(protocol.EventMessage)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stored message never reached the room")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stored := f.history(bob, parley.DefaultRoomID)
	if len(stored) != 1 || stored[0].ClientMsgID != "slow-1" || stored[0].Text != "anyone there?" {
		t.Fatalf("history = %+v, want the one message", stored)
	}

	again, err := f.hub.Send(f.ctx, alice, req, ack)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if again.ID != stored[0].ID || again.Seq != stored[0].Seq || again.Text != "anyone there?" {
		t.Fatalf("retry answered %+v, want the stored %+v", again, stored[0])
	}
	if n := acks.Load(); n != 1 {
		t.Fatalf("ack called %d times, want once (the retry)", n)
	}
	emits := f.rec.Emits(protocol.EventMessage)
	if len(emits) != 1 {
		t.Fatalf("%d message emits, want exactly 1", len(emits))
	}
	if got := emits[0].Payload.(protocol.Message); got.ID != again.ID || got.ClientMsgID != "slow-1" {
		t.Fatalf("room got %+v, want %+v", got, again)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(observed) != 1 || observed[0] != again.ID {
		t.Fatalf("observers saw %v, want [%s] once", observed, again.ID)
	}
}
