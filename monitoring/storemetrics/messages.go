package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Messages = (*timedMessages)(nil)

// timedMessages times Append per call, which behind the hub's group
// committer is per batch: the latency of one durable transaction, however
// many messages it carries. Per-message latency is parley_message_ack_seconds.
type timedMessages struct {
	next                               store.Messages
	appendOp, history, after, get, del op
}

func newTimedMessages(next store.Messages, m *metrics) *timedMessages {
	return &timedMessages{
		next:     next,
		appendOp: m.op("messages.append"),
		history:  m.op("messages.history"),
		after:    m.op("messages.after"),
		get:      m.op("messages.get"),
		del:      m.op("messages.delete"),
	}
}

func (t *timedMessages) Append(ctx context.Context, msgs []parley.Message) (_ []store.AppendResult, err error) {
	defer t.appendOp.done(time.Now(), &err)
	return t.next.Append(ctx, msgs)
}

func (t *timedMessages) History(ctx context.Context, roomID string, before int64, limit int) (_ []parley.Message, _ bool, err error) {
	defer t.history.done(time.Now(), &err)
	return t.next.History(ctx, roomID, before, limit)
}

func (t *timedMessages) After(ctx context.Context, roomID string, after int64, limit int) (_ []parley.Message, _ bool, err error) {
	defer t.after.done(time.Now(), &err)
	return t.next.After(ctx, roomID, after, limit)
}

func (t *timedMessages) Get(ctx context.Context, roomID, id string) (_ *parley.Message, err error) {
	defer t.get.done(time.Now(), &err)
	return t.next.Get(ctx, roomID, id)
}

func (t *timedMessages) Delete(ctx context.Context, roomID, id string) (_ *parley.Message, err error) {
	defer t.del.done(time.Now(), &err)
	return t.next.Delete(ctx, roomID, id)
}
