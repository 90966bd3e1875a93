package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// UpdateRoom renames a group room or sets its topic (a nil field is kept);
// only its owners and admins may. The room hears room:updated, and the
// caller gets the same Room.
func (h *Hub) UpdateRoom(ctx context.Context, user parley.User, roomID string, name, topic *string) (protocol.Room, error) {
	if name == nil && topic == nil {
		return protocol.Room{}, parley.Errorf(parley.CodeBadRequest, "name or topic is required")
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, err := h.moderate(ctx, user, roomID)
	if err != nil {
		return protocol.Room{}, err
	}
	// Only the fields given are checked, and set: a room named before
	// today's rules can still have its topic changed.
	if name != nil {
		n := strings.TrimSpace(*name)
		if err := parley.ValidateRoomName(n); err != nil {
			return protocol.Room{}, err
		}
		name = &n
	}
	if topic != nil {
		t := strings.TrimSpace(*topic)
		if err := parley.ValidateRoomTopic(t); err != nil {
			return protocol.Room{}, err
		}
		topic = &t
	}
	updated, err := h.store.RoomAdmin.Update(ctx, room.ID, name, topic)
	if err != nil {
		return protocol.Room{}, err
	}
	v := protocol.RoomOf(*updated)
	h.emit.Emit(roomTarget(room.ID), protocol.EventRoomUpdated, v)
	return v, nil
}

// SetRole makes the account named username an admin or a plain member of
// a group room; only the room's owner may, or a server administrator (who
// can so appoint moderators for a room whose owner is gone), and never of
// the owner: the room passes to someone else only when its owner leaves
// (Leave).
func (h *Hub) SetRole(ctx context.Context, user parley.User, roomID, username string, role parley.Role) error {
	if role != parley.RoleAdmin && role != parley.RoleMember {
		return parley.Errorf(parley.CodeBadRequest, `role must be "admin" or "member"`)
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, other, err := h.moderateUser(ctx, user, roomID, username)
	if err != nil {
		return err
	}
	if room.OwnerID != user.ID {
		admin, err := h.serverAdmin(ctx, user.ID)
		if err != nil {
			return err
		}
		if !admin {
			return parley.Errorf(parley.CodeForbidden, "only the room's owner may change roles")
		}
	}
	if other.ID == room.OwnerID {
		return parley.Errorf(parley.CodeForbidden, "the owner's role cannot be changed; the room passes on when its owner leaves")
	}
	if err := h.store.RoomAdmin.SetRole(ctx, room.ID, other.ID, role); err != nil {
		if parley.CodeOf(err) == parley.CodeNotFound {
			return parley.Errorf(parley.CodeNotFound, "%s is not a member of this room", other.Username)
		}
		return err
	}
	return h.roleChanged(ctx, room.ID, *other, role)
}

// roleChanged makes every node read the membership again (the role decides
// who may delete others' messages) and tells the room.
func (h *Hub) roleChanged(ctx context.Context, roomID string, user parley.User, role parley.Role) error {
	h.members.forget(roomID, user.ID)
	h.emit.Emit(roomTarget(roomID), protocol.EventMember,
		protocol.MemberEvent{Room: roomID, User: protocol.UserOf(user), Action: "role", Role: role})
	if h.cfg.Peers == nil {
		return nil
	}
	// A start is idempotent for the sockets, and makes each node forget
	// what it remembered of the membership (MembershipStartedElsewhere).
	return notApplied(h.cfg.Peers.MembershipStarted(ctx, roomID, user.ID))
}
