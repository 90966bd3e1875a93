package parleyclient

import (
	"context"
	"sync"
)

type itemKind int

const (
	itemEvent itemKind = iota
	itemConnected
	itemDisconnected
	itemResync
)

// item is one thing for the delivery loop to do.
type item struct {
	kind    itemKind
	event   string // itemEvent: the server event's name
	payload any    // itemEvent: its decoded JSON
	reason  string // itemDisconnected
}

// inbox is an unbounded FIFO between the Socket.IO client and the delivery
// loop. It is unbounded because the Socket.IO client delivers events and
// acks on one goroutine: blocking it on a full queue would hold back the
// very acks (sync, history) the loop may be waiting for.
type inbox struct {
	mu     sync.Mutex
	items  []item
	notify chan struct{}
}

func newInbox() *inbox { return &inbox{notify: make(chan struct{}, 1)} }

func (q *inbox) push(it item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// pop waits for the next item; false once ctx is done, even with items
// left, so a closed client stops calling handlers.
func (q *inbox) pop(ctx context.Context) (item, bool) {
	for {
		if ctx.Err() != nil {
			return item{}, false
		}
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = item{}
			q.items = q.items[1:]
			q.mu.Unlock()
			return it, true
		}
		q.mu.Unlock()
		select {
		case <-q.notify:
		case <-ctx.Done():
			return item{}, false
		}
	}
}
