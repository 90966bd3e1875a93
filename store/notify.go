package store

import (
	"context"

	"github.com/parley-chat/parley"
)

// Notifications keeps each member's notification level of a room, which
// Memberships.Get and Memberships.RoomsOf return with the membership (an
// empty level until the member chooses one).
type Notifications interface {
	// SetNotify records userID's level for roomID: NotifyAll,
	// NotifyMentions or NotifyNone. ErrInvalid for any other level,
	// ErrNotFound when userID is not a member of roomID.
	SetNotify(ctx context.Context, roomID, userID string, level parley.NotifyLevel) error
}
