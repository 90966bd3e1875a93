package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley/store"
)

var _ store.Backend = (*timedBackend)(nil)

// timedBackend times Ping (readiness checks and the parley_ready gauge call
// it) so a slow database shows up even when no traffic reaches it.
type timedBackend struct {
	next store.Backend
	ping op
}

func newTimedBackend(next store.Backend, m *metrics) *timedBackend {
	return &timedBackend{next: next, ping: m.op("backend.ping")}
}

func (t *timedBackend) Ping(ctx context.Context) (err error) {
	defer t.ping.done(time.Now(), &err)
	return t.next.Ping(ctx)
}

func (t *timedBackend) Close() error { return t.next.Close() }
