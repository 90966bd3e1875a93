package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Threads implements store.Threads.
type Threads struct{ db *DB }

var _ store.Threads = (*Threads)(nil)

// Replies reads the partial index on replyTo.
func (s *Threads) Replies(ctx context.Context, roomID, id string, after int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	filter := bson.D{
		{Key: "roomId", Value: roomID},
		{Key: "replyTo", Value: id},
		{Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}},
	}
	return (&Messages{db: s.db}).page(ctx, filter, bson.D{{Key: "seq", Value: 1}}, int64(limit)+1, limit)
}

// ByIDs reads at most maxLimit messages, the page size every caller
// quotes from.
func (s *Threads) ByIDs(ctx context.Context, roomID string, ids []string) ([]parley.Message, error) {
	if len(ids) == 0 {
		return []parley.Message{}, nil
	}
	ids = ids[:min(len(ids), maxLimit)]
	filter := bson.D{{Key: "roomId", Value: roomID}, {Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	msgs, _, err := (&Messages{db: s.db}).page(ctx, filter, bson.D{{Key: "seq", Value: 1}}, int64(len(ids)), len(ids))
	return msgs, err
}
