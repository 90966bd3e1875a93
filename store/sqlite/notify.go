package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Notifications implements store.Notifications on the memberships table.
type Notifications struct{ db *DB }

var _ store.Notifications = (*Notifications)(nil)

// SetNotify records the level on the membership; NOT_FOUND if none.
func (s *Notifications) SetNotify(ctx context.Context, roomID, userID string, level parley.NotifyLevel) error {
	if !level.Valid() {
		return fmt.Errorf("notification level %q: %w", level, store.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		return execMembership(ctx, tx, roomID, userID,
			`UPDATE memberships SET notify = ? WHERE user_id = ? AND room_id = ?`, string(level))
	})
}
