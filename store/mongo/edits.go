package mongo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Edits implements store.Edits. A change is one transaction that $incs the
// room's lastRev and stamps it on the message: two changes to one room
// conflict on the room document, so revs commit in order there as in
// store/sqlite.
type Edits struct{ db *DB }

var _ store.Edits = (*Edits)(nil)

// Edit replaces the text and mentions of a message that is not deleted.
func (s *Edits) Edit(ctx context.Context, roomID, id, text string, mentions []string, at time.Time) (*parley.Message, error) {
	if mentions == nil {
		mentions = []string{}
	}
	set := bson.D{{Key: "text", Value: text}, {Key: "mentions", Value: mentions}, {Key: "editedAt", Value: parley.Millis(at)}}
	set = append(set, gramsFields(text)...) // search finds the new text, not the old
	m, _, err := s.change(ctx, roomID, id, func(*parley.Message) (bson.D, error) { return set, nil })
	return m, err
}

// React computes the new reactions with store.React inside the transaction,
// from the message it read there.
func (s *Edits) React(ctx context.Context, roomID, id, userID, emoji string, add bool) (*parley.Message, bool, error) {
	if userID == "" || emoji == "" {
		return nil, false, fmt.Errorf("user and emoji are required: %w", store.ErrInvalid)
	}
	return s.change(ctx, roomID, id, func(cur *parley.Message) (bson.D, error) {
		rs, ok, err := store.React(cur.Reactions, userID, emoji, add)
		if err != nil || !ok {
			return nil, err
		}
		return bson.D{{Key: "reactions", Value: toReactionDocs(rs)}}, nil
	})
}

// Changes reads the partial index of changed messages.
func (s *Edits) Changes(ctx context.Context, roomID string, afterRev, upTo int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	filter := bson.D{
		{Key: "roomId", Value: roomID},
		{Key: "changed", Value: true},
		{Key: "rev", Value: bson.D{{Key: "$gt", Value: afterRev}}},
		{Key: "seq", Value: bson.D{{Key: "$lte", Value: upTo}}},
	}
	return (&Messages{db: s.db}).page(ctx, filter, bson.D{{Key: "rev", Value: 1}}, int64(limit)+1, limit)
}

// change runs one change in a transaction: read the message (NOT_FOUND if
// absent or deleted), ask update for the fields to set (nil: nothing to
// change, no rev taken), take the room's next rev and write both.
func (s *Edits) change(ctx context.Context, roomID, id string, update func(*parley.Message) (bson.D, error)) (*parley.Message, bool, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	type result struct {
		m       parley.Message
		changed bool
	}
	v, err := s.db.transact(ctx, func(ctx context.Context) (any, error) {
		var d messageDoc
		if err := s.db.col(colMessages).FindOne(ctx, messageInRoom(roomID, id)).Decode(&d); err != nil {
			return nil, err
		}
		cur := d.message()
		if cur.Deleted {
			return nil, fmt.Errorf("message: %w", store.ErrNotFound)
		}
		set, err := update(&cur)
		if err != nil || set == nil {
			return result{m: cur}, err
		}
		m, err := s.db.stampChange(ctx, roomID, id, set)
		if err != nil {
			return nil, err
		}
		return result{m: m, changed: true}, nil
	})
	if err != nil {
		return nil, false, storeError(err, "message")
	}
	r := v.(result)
	return &r.m, r.changed, nil
}

// stampChange, inside a transaction, takes the room's next rev and sets it
// with set on the message, marking it changed.
func (db *DB) stampChange(ctx context.Context, roomID, id string, set bson.D) (parley.Message, error) {
	var room roomDoc
	err := db.col(colRooms).FindOneAndUpdate(ctx, byID(roomID), nextRev(),
		options.FindOneAndUpdate().SetReturnDocument(options.After).SetProjection(lastSeqOnly)).Decode(&room)
	if err != nil {
		return parley.Message{}, err
	}
	// A fresh slice: WithTransaction may run the caller's closure again
	// with the same set.
	set = append(slices.Clip(set), bson.E{Key: "rev", Value: room.LastRev}, bson.E{Key: "changed", Value: true})
	var d messageDoc
	err = db.col(colMessages).FindOneAndUpdate(ctx, messageInRoom(roomID, id), bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return parley.Message{}, err
	}
	return d.message(), nil
}
