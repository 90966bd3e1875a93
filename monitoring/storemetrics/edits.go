package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var (
	_ store.Edits   = (*timedEdits)(nil)
	_ store.Threads = (*timedThreads)(nil)
)

type timedEdits struct {
	next                 store.Edits
	edit, react, changes op
}

func newTimedEdits(next store.Edits, m *metrics) *timedEdits {
	return &timedEdits{next: next, edit: m.op("edits.edit"), react: m.op("edits.react"), changes: m.op("edits.changes")}
}

func (t *timedEdits) Edit(ctx context.Context, roomID, id, text string, mentions []string, at time.Time) (_ *parley.Message, err error) {
	defer t.edit.done(time.Now(), &err)
	return t.next.Edit(ctx, roomID, id, text, mentions, at)
}

func (t *timedEdits) React(ctx context.Context, roomID, id, userID, emoji string, add bool) (_ *parley.Message, _ bool, err error) {
	defer t.react.done(time.Now(), &err)
	return t.next.React(ctx, roomID, id, userID, emoji, add)
}

func (t *timedEdits) Changes(ctx context.Context, roomID string, afterRev, upTo int64, limit int) (_ []parley.Message, _ bool, err error) {
	defer t.changes.done(time.Now(), &err)
	return t.next.Changes(ctx, roomID, afterRev, upTo, limit)
}

type timedThreads struct {
	next           store.Threads
	replies, byIDs op
}

func newTimedThreads(next store.Threads, m *metrics) *timedThreads {
	return &timedThreads{next: next, replies: m.op("threads.replies"), byIDs: m.op("threads.by_ids")}
}

func (t *timedThreads) Replies(ctx context.Context, roomID, id string, after int64, limit int) (_ []parley.Message, _ bool, err error) {
	defer t.replies.done(time.Now(), &err)
	return t.next.Replies(ctx, roomID, id, after, limit)
}

func (t *timedThreads) ByIDs(ctx context.Context, roomID string, ids []string) (_ []parley.Message, err error) {
	defer t.byIDs.done(time.Now(), &err)
	return t.next.ByIDs(ctx, roomID, ids)
}
