package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/store"
)

// DeleteMessage tombstones a message: its sender and the room's moderators
// may. The seq stays, so cursors and history keep their meaning.
func (h *Hub) DeleteMessage(ctx context.Context, user store.User, roomID, id string) error {
	if strings.TrimSpace(id) == "" {
		return store.Errorf(store.CodeBadRequest, "id is required")
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return err
	}
	msg, err := h.store.Messages.Get(ctx, m.RoomID, id)
	if err != nil {
		if store.CodeOf(err) == store.CodeNotFound {
			return store.Errorf(store.CodeNotFound, "message not found")
		}
		return err
	}
	if msg.SenderID != user.ID && !m.Role.CanModerate() {
		return store.Errorf(store.CodeForbidden, "only the sender or a moderator may delete this message")
	}
	if msg.Deleted {
		return nil
	}
	del, err := h.store.Messages.Delete(ctx, m.RoomID, id)
	if err != nil {
		return err
	}
	h.emit.Emit(roomTarget(m.RoomID), EventDeleted, DeletedEvent{Room: m.RoomID, ID: del.ID, Seq: del.Seq})
	return nil
}
