package rooms

import (
	"context"

	"github.com/parley-chat/parley"
)

// SetNotify records user's notification level for a room they are a
// member of. The level only tells user's own clients when to notify, so
// nothing is broadcast: their other clients read it from the room list.
// BAD_REQUEST for a level other than all, mentions and none.
func (h *Hub) SetNotify(ctx context.Context, user parley.User, roomID string, level parley.NotifyLevel) error {
	if !level.Valid() {
		return parley.Errorf(parley.CodeBadRequest, `level must be "all", "mentions" or "none"`)
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return err
	}
	return h.store.Notifications.SetNotify(ctx, m.RoomID, user.ID, level)
}
