package parleyclient

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

// Live messages lost and duplicated between the Socket.IO client and the
// handler: the client fills the gap from the server and drops the
// duplicates.
func TestDeliveryFillsInjectedGapsAndDropsInjectedDuplicates(t *testing.T) {
	srv := clienttest.Start(t)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	alice, err := Register(ctx, srv.URL, "alice_inject", "correct-horse-9")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := Register(ctx, srv.URL, "bob_inject", "correct-horse-9")
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu      sync.Mutex
		got     []protocol.Message
		holding = make(chan struct{})
		release = make(chan struct{})
	)
	a, err := Dial(ctx, srv.URL, alice.Token, Options{OnMessage: func(_ *Client, m protocol.Message) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		if m.Text == "hold" {
			close(holding)
			<-release
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Dial(ctx, srv.URL, bob.Token, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	send := func(text string) {
		if _, err := b.Send(ctx, SendRequest{Room: "general", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	send("hold")
	<-holding // the delivery loop waits in the handler; what follows queues up
	for _, text := range []string{"one", "two", "three"} {
		send(text)
	}
	textOf := func(it item) string {
		p, _ := it.payload.(map[string]any)
		s, _ := p["text"].(string)
		return s
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		a.inbox.mu.Lock()
		n := 0
		for _, it := range a.inbox.items {
			if it.event == protocol.EventMessage {
				n++
			}
		}
		a.inbox.mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alice's inbox holds %d messages, want 3", n)
		}
	}

	a.inbox.mu.Lock()
	var kept []item
	var three item
	for _, it := range a.inbox.items {
		switch textOf(it) {
		case "one", "two": // lost
		case "three":
			three = it
			kept = append(kept, it)
		default:
			kept = append(kept, it)
		}
	}
	hold := item{kind: itemEvent, event: protocol.EventMessage, payload: map[string]any{"room": "general", "seq": 1, "text": "hold"}}
	a.inbox.items = append(kept, three, hold) // delivered again
	a.inbox.mu.Unlock()
	close(release)

	want := []string{"hold", "one", "two", "three"}
	texts := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := make([]string, len(got))
		for i, m := range got {
			out[i] = m.Text
		}
		return out
	}
	for deadline := time.Now().Add(10 * time.Second); len(texts()) < len(want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("delivered %v, want %v", texts(), want)
		}
	}
	time.Sleep(300 * time.Millisecond) // a duplicate would be delivered by now
	if !slices.Equal(texts(), want) {
		t.Fatalf("delivered %v, want %v", texts(), want)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, m := range got {
		if m.Seq != int64(i+1) {
			t.Fatalf("message %q has seq %d, want %d", m.Text, m.Seq, i+1)
		}
	}
}
