package rooms

import (
	"context"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// DeleteMessage tombstones a message: its sender and the room's moderators
// may, and in a group room a server administrator, member or not. The seq
// stays, so cursors and history keep their meaning.
func (h *Hub) DeleteMessage(ctx context.Context, user parley.User, roomID, id string) error {
	if err := checkMessageID(id); err != nil {
		return err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if parley.CodeOf(err) == parley.CodeForbidden {
		// Not a member of a group room the caller may see: a server
		// administrator moderates it all the same.
		if m, err = h.moderatorOutside(ctx, user, roomID, err); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	msg, err := h.store.Messages.Get(ctx, m.RoomID, id)
	if err != nil {
		return notFoundAsMessage(err)
	}
	if msg.SenderID != user.ID && !m.Role.CanModerate() {
		if ok, err := h.groupServerAdmin(ctx, user.ID, m.RoomID); err != nil {
			return err
		} else if !ok {
			return parley.Errorf(parley.CodeForbidden, "only the sender or a moderator may delete this message")
		}
	}
	if msg.Deleted {
		return nil
	}
	del, err := h.store.Messages.Delete(ctx, m.RoomID, id)
	if err != nil {
		return err
	}
	// message:deleted stays for the clients written before
	// message:updated, which carries the tombstone itself.
	h.emit.Emit(roomTarget(m.RoomID), protocol.EventDeleted, protocol.DeletedEvent{Room: m.RoomID, ID: del.ID, Seq: del.Seq})
	_, err = h.updated(ctx, user.ID, *del, changeDelete)
	return err
}
