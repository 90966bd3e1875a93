package parleyclient_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

// A client connected through two server restarts (a graceful one and a
// crash) while another client sends: every message reaches its handler
// once, in seq order, with no gap.
func TestCatchUpAcrossServerRestartsDeliversEveryMessageOnceInOrder(t *testing.T) {
	srv := clienttest.Start(t)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	got := newRecorder[protocol.Message]()
	var connects atomic.Int32
	a := dial(t, srv, alice.Token, parleyclient.Options{
		OnMessage: func(c *parleyclient.Client, m protocol.Message) {
			if m.Room == "general" {
				got.add(c, m)
			}
		},
		OnConnect: func(*parleyclient.Client) { connects.Add(1) },
		// slower to come back than bob, so what bob sends first after a
		// restart reaches alice through the catch-up, not live
		ReconnectDelay: 400 * time.Millisecond, ReconnectDelayMax: 800 * time.Millisecond,
	})
	b := dial(t, srv, bob.Token, parleyclient.Options{})

	const total = 60
	sent := make([]protocol.Message, 0, total)
	progress := make(chan int, total)
	failed := make(chan error, 1)
	go func() {
		defer close(progress)
		for i := range total {
			// Send retries across the restarts with the same clientMsgId,
			// so each of these is stored once.
			c, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			m, err := b.Send(c, parleyclient.SendRequest{Room: "general", Text: fmt.Sprintf("message %d", i)})
			cancel()
			if err != nil {
				failed <- fmt.Errorf("send %d: %w", i, err)
				return
			}
			sent = append(sent, m)
			progress <- i
			time.Sleep(10 * time.Millisecond)
		}
	}()
	waitSent := func(n int) {
		t.Helper()
		for i := range progress {
			if i+1 >= n {
				return
			}
		}
		select {
		case err := <-failed:
			t.Fatal(err)
		default:
			t.Fatalf("the sender stopped before %d messages", n)
		}
	}

	reconnected := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(waitTimeout)
		for connects.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("alice connected %d times, want %d", connects.Load(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	waitSent(15)
	srv.Stop() // SIGTERM: a graceful shutdown
	time.Sleep(200 * time.Millisecond)
	srv.Restart()
	waitSent(30)
	reconnected(2)
	srv.Kill() // SIGKILL: a crash
	time.Sleep(200 * time.Millisecond)
	srv.Restart()
	reconnected(3)
	waitSent(total)

	msgs := got.waitFor(t, fmt.Sprintf("%d messages", total), func(ms []protocol.Message) bool { return len(ms) >= total })
	time.Sleep(300 * time.Millisecond) // anything delivered twice would show up by now
	msgs = got.all()
	if len(msgs) != total {
		t.Fatalf("got %d messages, want %d", len(msgs), total)
	}
	for i, m := range msgs {
		if m.Seq != int64(i+1) || m.ID != sent[i].ID || m.Text != fmt.Sprintf("message %d", i) {
			t.Fatalf("message %d: got seq %d %q (%s), want seq %d %q (%s)", i, m.Seq, m.Text, m.ID, i+1, sent[i].Text, sent[i].ID)
		}
	}
	if cur := a.Cursors()["general"]; cur != total {
		t.Fatalf("cursor of general: got %d, want %d", cur, total)
	}
}

// A client that was closed and starts again from its cursors gets what
// was sent in between, and nothing it had already handled.
func TestCursorsCarryOverToANewClient(t *testing.T) {
	srv := clienttest.Start(t)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	b := dial(t, srv, bob.Token, parleyclient.Options{})
	first := newRecorder[protocol.Message]()
	a := dial(t, srv, alice.Token, parleyclient.Options{OnMessage: first.add})
	for i := range 3 {
		if _, err := b.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: fmt.Sprint("before ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	first.waitFor(t, "3 messages", func(ms []protocol.Message) bool { return len(ms) == 3 })
	cursors := a.Cursors()
	a.Close()
	for i := range 2 {
		if _, err := b.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: fmt.Sprint("after ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	second := newRecorder[protocol.Message]()
	dial(t, srv, alice.Token, parleyclient.Options{OnMessage: second.add, Cursors: cursors})
	// Dial returns once the catch-up is delivered.
	msgs := second.all()
	if len(msgs) != 2 || msgs[0].Seq != 4 || msgs[1].Seq != 5 || msgs[1].Text != "after 1" {
		t.Fatalf("got %+v, want seqs 4 and 5", msgs)
	}
}

// A server that answers sync a few messages at a time, across rooms: the
// catch-up follows hasMore until every room is complete, and delivers
// each message once, in seq order per room.
func TestCatchUpFollowsBoundedSyncAnswers(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SYNC_MAX_MESSAGES=3")
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	b := dial(t, srv, bob.Token, parleyclient.Options{})
	a := dial(t, srv, alice.Token, parleyclient.Options{})
	rooms := []string{"general"}
	for i := range 2 {
		r, err := a.CreateRoom(ctx(t), uniqueName(fmt.Sprint("room", i)), "", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.JoinRoom(ctx(t), r.ID); err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r.ID)
	}
	cursors := a.Cursors()
	a.Close()

	want := map[string][]string{}
	for i := range 4 {
		for _, r := range rooms {
			m, err := b.Send(ctx(t), parleyclient.SendRequest{Room: r, Text: fmt.Sprintf("%s %d", r, i)})
			if err != nil {
				t.Fatal(err)
			}
			want[r] = append(want[r], m.ID)
		}
	}
	got := newRecorder[protocol.Message]()
	dial(t, srv, alice.Token, parleyclient.Options{OnMessage: got.add, Cursors: cursors})
	// Dial returns once the catch-up is delivered: 12 messages, 3 an answer.
	byRoom := map[string][]string{}
	for _, m := range got.all() {
		byRoom[m.Room] = append(byRoom[m.Room], m.ID)
	}
	for _, r := range rooms {
		if fmt.Sprint(byRoom[r]) != fmt.Sprint(want[r]) {
			t.Errorf("room %s: delivered %v, want %v", r, byRoom[r], want[r])
		}
	}
	if len(byRoom) != len(rooms) {
		t.Errorf("delivered rooms %v, want %v", byRoom, rooms)
	}
}
