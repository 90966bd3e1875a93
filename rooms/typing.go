package rooms

import (
	"context"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// Typing tells the other members of a room that user started or stopped
// typing. Nothing is stored.
func (h *Hub) Typing(ctx context.Context, user parley.User, roomID string, typing bool) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return err
	}
	h.emit.Emit(Target{Rooms: []string{m.RoomID}, ExceptUser: user.ID}, protocol.EventTyping, protocol.TypingEvent{Room: m.RoomID, User: protocol.UserOf(user), Typing: typing})
	return nil
}
