package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
)

// serverAdmin reports whether userID administers the server, as a group
// room's owner would: it may join any group room, private ones too, and
// moderate it (delete messages, kick, invite, rename, change roles)
// without a role there or even a membership. Direct rooms stay their two
// members' own. It reads the account from the store rather than trusting
// a socket's copy of it, so a promotion or a demotion counts from the next
// action on; only the paths where the room role falls short ask.
func (h *Hub) serverAdmin(ctx context.Context, userID string) (bool, error) {
	u, err := h.store.Users.ByID(ctx, userID)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.Admin && !u.Disabled, nil
}

// moderatorOutside stands in for the membership of a group room that a
// server administrator moderates without being in it: a role that may
// moderate. Anyone else gets refused, the error member gave.
func (h *Hub) moderatorOutside(ctx context.Context, user parley.User, roomID string, refused error) (*parley.Membership, error) {
	ok, err := h.groupServerAdmin(ctx, user.ID, roomID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refused
	}
	return &parley.Membership{RoomID: strings.TrimSpace(roomID), UserID: user.ID, Role: parley.RoleAdmin}, nil
}

// groupServerAdmin reports whether userID is a server administrator and
// roomID a group room, which it may then moderate.
func (h *Hub) groupServerAdmin(ctx context.Context, userID, roomID string) (bool, error) {
	admin, err := h.serverAdmin(ctx, userID)
	if err != nil || !admin {
		return false, err
	}
	room, err := h.store.Rooms.ByID(ctx, roomID)
	if err != nil {
		return false, err
	}
	return room.Kind == parley.RoomGroup, nil
}
