package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// CreateRoom makes a group room owned by user, who becomes its first member.
// Each attempt spends the user's ClassCreateRoom budget.
func (h *Hub) CreateRoom(ctx context.Context, user parley.User, name, topic string, private bool) (protocol.Room, error) {
	if err := h.Allow(ctx, user.ID, ClassCreateRoom); err != nil {
		return protocol.Room{}, err
	}
	r := &parley.Room{
		ID: h.cfg.NewID(), Name: strings.TrimSpace(name), Topic: strings.TrimSpace(topic), Kind: parley.RoomGroup,
		Private: private, OwnerID: user.ID, CreatedAt: h.now(),
	}
	if err := r.Validate(); err != nil {
		return protocol.Room{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	if err := h.store.Rooms.Create(ctx, r, user.ID); err != nil {
		return protocol.Room{}, err
	}
	// The room exists whatever the other nodes say: failing here would
	// make the client create it again. Peers keep retrying.
	if err := h.joinEverywhere(ctx, r.ID, user.ID); err != nil {
		h.log.Warn("new room not yet applied on every node", "room", r.ID, "err", err)
	}
	h.joinResidents(ctx, r)
	v := protocol.RoomOf(*r)
	v.Role = parley.RoleOwner
	return v, nil
}

// EnsureRoom creates a group room with a fixed id if it does not exist yet
// (the default room), owned by ownerID.
func (h *Hub) EnsureRoom(ctx context.Context, id, name, topic, ownerID string) error {
	_, err := h.store.Rooms.ByID(ctx, id)
	if parley.CodeOf(err) != parley.CodeNotFound {
		return err
	}
	err = h.store.Rooms.Create(ctx, &parley.Room{
		ID: id, Name: name, Topic: topic, Kind: parley.RoomGroup, OwnerID: ownerID, CreatedAt: h.now(),
	}, ownerID)
	if parley.CodeOf(err) == parley.CodeConflict { // another node made it first
		return nil
	}
	return err
}

// Join adds user to a public group room (idempotent) and returns the room
// and its members.
func (h *Hub) Join(ctx context.Context, user parley.User, roomID string) (protocol.Room, []protocol.User, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, m, err := h.roomFor(ctx, user.ID, roomID)
	if err != nil {
		return protocol.Room{}, nil, err
	}
	role := parley.RoleMember
	if m == nil {
		if _, err := h.addMember(ctx, room, user, true); err != nil {
			return protocol.Room{}, nil, err
		}
	} else {
		role = m.Role
	}
	members, err := h.Members(ctx, room.ID)
	if err != nil {
		return protocol.Room{}, nil, err
	}
	v := protocol.RoomOf(*room)
	v.Role = role
	return v, members, nil
}

// addMember stores the membership, subscribes the user's sockets (on every
// node when everywhere is set; an account that has no socket yet, or never
// has one, needs no other node) and tells the room. A newcomer starts with
// the room's past read: their unread count is what arrives after they
// joined, while history still shows the past. An error after the store
// added the membership is the other nodes' (UNAVAILABLE): the room is still
// told.
func (h *Hub) addMember(ctx context.Context, room *parley.Room, user parley.User, everywhere bool) (bool, error) {
	roomID := room.ID
	added, err := h.store.Memberships.Add(ctx, parley.Membership{
		RoomID: roomID, UserID: user.ID, Role: parley.RoleMember, JoinedAt: h.now(), ReadSeq: room.LastSeq,
	})
	if err != nil || !added {
		return added, err
	}
	// Subscribed everywhere first, so the user's sockets on every node see
	// their own arrival too.
	if everywhere {
		err = h.joinEverywhere(ctx, roomID, user.ID)
	} else {
		h.emit.JoinRoom(user.ID, roomID)
	}
	h.emit.Emit(roomTarget(roomID), protocol.EventMember, protocol.MemberEvent{Room: roomID, User: protocol.UserOf(user), Action: "joined"})
	return true, err
}

// Welcome makes a new account a member of the default room.
func (h *Hub) Welcome(ctx context.Context, user parley.User) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, err := h.store.Rooms.ByID(ctx, parley.DefaultRoomID)
	if err != nil {
		return err
	}
	// A new account has no socket on any node yet.
	_, err = h.addMember(ctx, room, user, false)
	return err
}

// Leave ends user's membership of a group room. Leaving a room one is not
// in is a no-op.
func (h *Hub) Leave(ctx context.Context, user parley.User, roomID string) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, m, err := h.roomFor(ctx, user.ID, roomID)
	if err != nil || m == nil {
		return err // leaving a room one is not in changes nothing
	}
	if room.Kind == parley.RoomDirect {
		return parley.Errorf(parley.CodeBadRequest, "direct rooms cannot be left")
	}
	// The store passes an owner's room on to its heir in the same step.
	heir, err := h.store.RoomAdmin.Leave(ctx, room.ID, user.ID)
	if err != nil && parley.CodeOf(err) != parley.CodeNotFound {
		return err
	}
	h.members.forget(room.ID, user.ID)
	h.emit.Emit(roomTarget(room.ID), protocol.EventMember, protocol.MemberEvent{Room: room.ID, User: protocol.UserOf(user), Action: "left"})
	err = h.leaveEverywhere(ctx, room.ID, user.ID)
	if heir == nil {
		return err
	}
	next, uerr := h.store.Users.ByID(ctx, heir.UserID)
	if uerr != nil {
		// The room has its new owner; only the room's view of it lags
		// until the members reload the list.
		h.log.Warn("room passed on, but its new owner could not be announced", "room", room.ID, "err", uerr)
		return err
	}
	if rerr := h.roleChanged(ctx, room.ID, *next, parley.RoleOwner); err == nil {
		err = rerr
	}
	return err
}

// Members lists a room's members with their presence across the cluster.
func (h *Hub) Members(ctx context.Context, roomID string) ([]protocol.User, error) {
	ms, err := h.store.Memberships.Members(ctx, roomID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.User.ID
	}
	pctx, cancel := context.WithTimeout(ctx, presenceTimeout)
	online := h.conns.online(pctx, ids)
	cancel()
	out := make([]protocol.User, len(ms))
	for i, m := range ms {
		out[i] = protocol.UserOf(m.User)
		out[i].Online = &online[i]
		out[i].Role = m.Role
	}
	return out, nil
}

// RoomsOf lists user's rooms with unread counts and the notification
// level that applies to each (the chosen one or the room kind's default).
func (h *Hub) RoomsOf(ctx context.Context, user parley.User) ([]protocol.Room, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	urs, err := h.store.Memberships.RoomsOf(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Room, len(urs))
	for i, ur := range urs {
		out[i] = protocol.RoomOf(ur.Room)
		unread := ur.Unread
		out[i].Unread = &unread
		out[i].Role = ur.Role
		out[i].Notify = ur.Notify.Effective(ur.Room.Kind)
	}
	return out, nil
}

// PublicRooms lists the rooms anyone may join: the room browser. A server
// administrator's lists every group room, the private ones too (marked
// so), since they may join and moderate any of them.
func (h *Hub) PublicRooms(ctx context.Context, user parley.User) ([]protocol.Room, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	list := h.store.Rooms.Public
	if user.Admin {
		list = h.store.Rooms.Groups
	}
	rs, err := list(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Room, len(rs))
	for i, r := range rs {
		out[i] = protocol.RoomOf(r)
	}
	return out, nil
}

// OpenDirect returns the 1:1 room of user and the account named username,
// creating it the first time.
func (h *Hub) OpenDirect(ctx context.Context, user parley.User, username string) (protocol.Room, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	other, err := h.userByName(ctx, username)
	if err != nil {
		return protocol.Room{}, err
	}
	if other.ID == user.ID {
		return protocol.Room{}, parley.Errorf(parley.CodeBadRequest, "you cannot open a direct room with yourself")
	}
	names := []string{user.Username, other.Username}
	if names[0] > names[1] {
		names[0], names[1] = names[1], names[0]
	}
	room, created, err := h.store.Rooms.OpenDirect(ctx, &parley.Room{
		ID: h.cfg.NewID(), Name: names[0] + "," + names[1], Kind: parley.RoomDirect,
		Private: true, CreatedAt: h.now(),
	}, user.ID, other.ID)
	if err != nil {
		return protocol.Room{}, err
	}
	if created {
		// As for CreateRoom: the room exists, Peers keep retrying.
		for _, id := range []string{user.ID, other.ID} {
			if err := h.joinEverywhere(ctx, room.ID, id); err != nil {
				h.log.Warn("new direct room not yet applied on every node", "room", room.ID, "err", err)
			}
		}
	}
	v := protocol.RoomOf(*room)
	v.Role = parley.RoleMember
	return v, nil
}

// Invite adds the account named username to a room; only its owners and
// admins may.
func (h *Hub) Invite(ctx context.Context, user parley.User, roomID, username string) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, other, err := h.moderateUser(ctx, user, roomID, username)
	if err != nil {
		return err
	}
	_, err = h.addMember(ctx, room, *other, true)
	return err
}

// Kick removes the account named username from a room; only its owners and
// admins may, and nobody may kick the owner.
func (h *Hub) Kick(ctx context.Context, user parley.User, roomID, username string) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, other, err := h.moderateUser(ctx, user, roomID, username)
	if err != nil {
		return err
	}
	if other.ID == user.ID {
		return parley.Errorf(parley.CodeBadRequest, "use room:leave to leave a room")
	}
	// Admins moderate too, but the room stays its owner's.
	if other.ID == room.OwnerID {
		return parley.Errorf(parley.CodeForbidden, "the owner cannot be kicked")
	}
	if err := h.store.Memberships.Remove(ctx, room.ID, other.ID); err != nil {
		if parley.CodeOf(err) == parley.CodeNotFound {
			return parley.Errorf(parley.CodeNotFound, "%s is not a member of this room", other.Username)
		}
		return err
	}
	h.members.forget(room.ID, other.ID)
	ev := protocol.MemberEvent{Room: room.ID, User: protocol.UserOf(*other), Action: "kicked"}
	h.emit.Emit(Target{Rooms: []string{room.ID}, Users: []string{other.ID}}, protocol.EventMember, ev)
	return h.leaveEverywhere(ctx, room.ID, other.ID)
}

// moderateUser loads a room the caller moderates and the account a
// moderation action is about.
func (h *Hub) moderateUser(ctx context.Context, user parley.User, roomID, username string) (*parley.Room, *parley.User, error) {
	room, err := h.moderate(ctx, user, roomID)
	if err != nil {
		return nil, nil, err
	}
	other, err := h.userByName(ctx, username)
	if err != nil {
		return nil, nil, err
	}
	return room, other, nil
}

// moderate loads a group room the caller owns or administers, or any
// group room when the caller is a server administrator.
func (h *Hub) moderate(ctx context.Context, user parley.User, roomID string) (*parley.Room, error) {
	room, m, err := h.roomFor(ctx, user.ID, roomID)
	if err != nil {
		return nil, err
	}
	if room.Kind == parley.RoomDirect && m != nil {
		return nil, parley.Errorf(parley.CodeBadRequest, "direct rooms have no moderators")
	}
	if m != nil && m.Role.CanModerate() {
		return room, nil
	}
	admin, err := h.serverAdmin(ctx, user.ID)
	switch {
	case err != nil:
		return nil, err
	case admin:
		return room, nil
	case m == nil:
		return nil, parley.Errorf(parley.CodeForbidden, "you are not a member of this room")
	}
	return nil, parley.Errorf(parley.CodeForbidden, "only the room's owners and admins may do that")
}

func (h *Hub) userByName(ctx context.Context, username string) (*parley.User, error) {
	name := parley.NormalizeUsername(username)
	if name == "" {
		return nil, parley.Errorf(parley.CodeBadRequest, "user is required")
	}
	u, err := h.store.Users.ByUsername(ctx, name)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, parley.Errorf(parley.CodeNotFound, "no user named %q", name)
	}
	return u, err
}
