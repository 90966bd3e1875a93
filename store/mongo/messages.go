package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Messages implements store.Messages.
type Messages struct{ db *DB }

var _ store.Messages = (*Messages)(nil)

// Page sizes, as in store/sqlite: a limit <= 0 means defaultLimit; larger
// ones are capped so no caller can make the store materialise a whole room.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

func clampLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// History returns up to limit messages with seq < before (before <= 0: the
// newest), oldest first, and whether older ones exist.
func (s *Messages) History(ctx context.Context, roomID string, before int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	filter, sort, n := history(roomID, before, limit)
	msgs, more, err := s.page(ctx, filter, sort, n, limit)
	if err != nil {
		return nil, false, err
	}
	slices.Reverse(msgs)
	return msgs, more, nil
}

// After returns up to limit messages with seq > after, oldest first, and
// whether newer ones exist beyond them.
func (s *Messages) After(ctx context.Context, roomID string, seq int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	filter, sort, n := after(roomID, seq, limit)
	return s.page(ctx, filter, sort, n, limit)
}

// page reads up to limit messages and reports whether there was one more
// (the queries ask for limit+1).
func (s *Messages) page(ctx context.Context, filter, sort bson.D, n int64, limit int) ([]parley.Message, bool, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[messageDoc](ctx, s.db.col(colMessages), filter, options.Find().SetSort(sort).SetLimit(n))
	if err != nil {
		return nil, false, err
	}
	more := len(docs) > limit
	if more {
		docs = docs[:limit]
	}
	msgs := make([]parley.Message, len(docs))
	for i := range docs {
		msgs[i] = docs[i].message()
	}
	return msgs, more, nil
}

// Get returns NOT_FOUND if the room has no message with that id.
func (s *Messages) Get(ctx context.Context, roomID, id string) (*parley.Message, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d messageDoc
	if err := s.db.col(colMessages).FindOne(ctx, messageInRoom(roomID, id)).Decode(&d); err != nil {
		return nil, storeError(err, "message")
	}
	m := d.message()
	return &m, nil
}

// Delete turns the message into a tombstone that keeps its id, seq, sender
// and clientMsgId, so a late retry of the send still finds it and is not
// stored again. It is a change (store.Edits) in one transaction, which
// also releases the message's files; deleting twice finds the tombstone
// and changes nothing.
func (s *Messages) Delete(ctx context.Context, roomID, id string) (*parley.Message, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	v, err := s.db.transact(ctx, func(ctx context.Context) (any, error) {
		var d messageDoc
		if err := s.db.col(colMessages).FindOne(ctx, messageInRoom(roomID, id)).Decode(&d); err != nil {
			return nil, err
		}
		if d.Deleted {
			return d.message(), nil
		}
		m, err := s.db.stampChange(ctx, roomID, id, tombstone())
		if err != nil || len(d.Attachments) == 0 {
			return m, err
		}
		// Its files go to orphan cleanup (store.Files.Orphans).
		if _, err := s.db.col(colFiles).UpdateMany(ctx, filesOf(id), release()); err != nil {
			return nil, err
		}
		return m, nil
	})
	if err != nil {
		return nil, storeError(err, "message")
	}
	m := v.(parley.Message)
	return &m, nil
}
