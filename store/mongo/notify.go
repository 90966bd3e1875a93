package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Notifications implements store.Notifications as a field of the
// membership documents.
type Notifications struct{ db *DB }

var _ store.Notifications = (*Notifications)(nil)

// SetNotify records the level on the membership; NOT_FOUND if none.
func (s *Notifications) SetNotify(ctx context.Context, roomID, userID string, level parley.NotifyLevel) error {
	if !level.Valid() {
		return fmt.Errorf("notification level %q: %w", level, store.ErrInvalid)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colMemberships).UpdateOne(ctx, membership(roomID, userID),
		bson.D{{Key: "$set", Value: bson.D{{Key: "notify", Value: string(level)}}}})
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("user %q is not a member of room %q: %w", userID, roomID, store.ErrNotFound)
	}
	return nil
}
