package app

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// retryQueue holds the membership changes that not every node confirmed
// (Redis was down, a node was slow) and sends them again until every node
// does: a node that missed a kick would otherwise go on delivering the
// room to that user's sockets until they reconnect. Only the newest change
// of a membership is kept; a change that went through removes older ones.
type retryQueue struct {
	mu      sync.Mutex
	seq     uint64
	pending map[retryKey]retryEntry
}

type retryKey struct{ room, user string }

type retryEntry struct {
	kind string
	seq  uint64 // orders the changes this node made
}

const (
	// retryEvery paces the background retry.
	retryEvery = time.Second
	// maxPending bounds the queue through a long outage; past it a change
	// is dropped (and logged), and a node that missed it corrects itself
	// when that user's sockets reconnect.
	maxPending = 10_000
)

func (q *retryQueue) next() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	return q.seq
}

func (q *retryQueue) size() float64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return float64(len(q.pending))
}

// settle records the outcome of sending e: a success removes what is
// queued for k if it is not newer, a failure queues e unless something
// newer is queued.
func (q *retryQueue) settle(k retryKey, e retryEntry, err error, log *slog.Logger) {
	q.mu.Lock()
	defer q.mu.Unlock()
	old, queued := q.pending[k]
	switch {
	case err == nil:
		if queued && old.seq <= e.seq {
			delete(q.pending, k)
		}
	case queued && old.seq > e.seq:
	case !queued && len(q.pending) >= maxPending:
		log.Error("membership change dropped: too many waiting for Redis", "room", k.room, "user", k.user, "kind", e.kind)
	default:
		q.pending[k] = e
	}
}

func (q *retryQueue) snapshot() map[retryKey]retryEntry {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return nil
	}
	out := make(map[retryKey]retryEntry, len(q.pending))
	for k, e := range q.pending {
		out[k] = e
	}
	return out
}

// run sends the queued changes again every retryEvery until ctx ends; a
// round stops at its first failure (Redis is still out of reach).
func (q *retryQueue) run(ctx context.Context, p *redisPeers) {
	t := time.NewTicker(retryEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		done := 0
		for k, e := range q.snapshot() {
			err := p.send(ctx, e.kind, k.room, k.user)
			q.settle(k, e, err, p.log)
			if err != nil {
				break
			}
			done++
		}
		if done > 0 {
			p.log.Info("membership changes confirmed by every node after a retry", "changes", done)
		}
	}
}
