package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/store"
)

// access loads a room and the caller's membership. A room the caller may not
// even know about (private or direct, not a member) is NOT_FOUND, exactly as
// a room that does not exist; a public room the caller has not joined is
// FORBIDDEN.
func (h *Hub) access(ctx context.Context, userID, roomID string) (*store.Room, *store.Membership, error) {
	roomID = strings.TrimSpace(roomID)
	if roomID == "" {
		return nil, nil, store.Errorf(store.CodeBadRequest, "room is required")
	}
	room, err := h.store.Rooms.ByID(ctx, roomID)
	if err != nil {
		return nil, nil, notFoundRoom(err)
	}
	m, err := h.store.Memberships.Get(ctx, roomID, userID)
	if store.CodeOf(err) == store.CodeNotFound {
		if room.Private || room.Kind == store.RoomDirect {
			return nil, nil, store.Errorf(store.CodeNotFound, "room not found")
		}
		return room, nil, store.Errorf(store.CodeForbidden, "you are not a member of this room")
	}
	if err != nil {
		return nil, nil, err
	}
	return room, m, nil
}

func notFoundRoom(err error) error {
	if store.CodeOf(err) == store.CodeNotFound {
		return store.Errorf(store.CodeNotFound, "room not found")
	}
	return err
}
