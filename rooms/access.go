package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
)

// member returns the caller's membership of a room, which is all that most
// actions need: no store read once the hub has seen it (its ReadSeq is not
// kept). Without a membership the answer is roomFor's (NOT_FOUND for a room
// the caller may not know of), or FORBIDDEN for a public room the caller
// has not joined.
func (h *Hub) member(ctx context.Context, userID, roomID string) (*parley.Membership, error) {
	roomID = strings.TrimSpace(roomID)
	if roomID == "" {
		return nil, parley.Errorf(parley.CodeBadRequest, "room is required")
	}
	if m, ok := h.members.get(roomID, userID); ok {
		return m, nil
	}
	epoch := h.members.begin()
	m, err := h.store.Memberships.Get(ctx, roomID, userID)
	if err == nil {
		h.members.put(*m, epoch)
	}
	if parley.CodeOf(err) != parley.CodeNotFound {
		return m, err
	}
	if _, _, err := h.roomFor(ctx, userID, roomID); err != nil {
		return nil, err
	}
	return nil, parley.Errorf(parley.CodeForbidden, "you are not a member of this room")
}

// roomFor loads a room the caller may see, with their membership (nil for a
// public room they have not joined). A private or direct room the caller
// is not in is NOT_FOUND, exactly as a room that does not exist; except
// that a server administrator sees a private group room as a public one.
func (h *Hub) roomFor(ctx context.Context, userID, roomID string) (*parley.Room, *parley.Membership, error) {
	roomID = strings.TrimSpace(roomID)
	if roomID == "" {
		return nil, nil, parley.Errorf(parley.CodeBadRequest, "room is required")
	}
	room, err := h.store.Rooms.ByID(ctx, roomID)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, nil, parley.Errorf(parley.CodeNotFound, "room not found")
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := h.store.Memberships.Get(ctx, roomID, userID)
	switch {
	case parley.CodeOf(err) == parley.CodeNotFound && room.Kind == parley.RoomGroup && room.Private:
		admin, aerr := h.serverAdmin(ctx, userID)
		if aerr != nil {
			return nil, nil, aerr
		}
		if !admin {
			return nil, nil, parley.Errorf(parley.CodeNotFound, "room not found")
		}
		return room, nil, nil
	case parley.CodeOf(err) == parley.CodeNotFound && room.Kind == parley.RoomDirect:
		return nil, nil, parley.Errorf(parley.CodeNotFound, "room not found")
	case parley.CodeOf(err) == parley.CodeNotFound:
		return room, nil, nil
	case err != nil:
		return nil, nil, err
	}
	return room, m, nil
}
