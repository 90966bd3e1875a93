package rooms

import (
	"context"

	"github.com/parley-chat/parley"
)

// AddResident makes an account that belongs in every group room (the
// assistant) a member of roomID, private or not. Adding it again is a no-op.
// Residents are the server's own accounts, which hold no sockets: other
// nodes are not told.
func (h *Hub) AddResident(ctx context.Context, user parley.User, roomID string) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	room, err := h.store.Rooms.ByID(ctx, roomID)
	if err != nil {
		return err
	}
	_, err = h.addMember(ctx, room, user, false)
	return err
}

// Attend reports whether a resident takes part in a group room: it does if
// it is a member, and it joins a public room it is not in yet (one made
// before it existed, or one it was kicked from: anyone may rejoin a public
// room). A private room it was removed from stays without it.
func (h *Hub) Attend(ctx context.Context, resident parley.User, room parley.Room) (bool, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	_, err := h.store.Memberships.Get(ctx, room.ID, resident.ID)
	switch {
	case err == nil:
		return true, nil
	case parley.CodeOf(err) != parley.CodeNotFound:
		return false, err
	case room.Private || room.Kind != parley.RoomGroup:
		return false, nil
	}
	if _, err := h.addMember(ctx, &room, resident, false); err != nil {
		return false, err
	}
	return true, nil
}

// SetResidents names the accounts every group room created from now on
// starts with, besides its owner.
func (h *Hub) SetResidents(users ...parley.User) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.residents = append([]parley.User(nil), users...)
}

// joinResidents adds the residents to a new room. A failure is logged, not
// returned: the room exists and the assistant also joins when first
// mentioned there.
func (h *Hub) joinResidents(ctx context.Context, room *parley.Room) {
	h.mu.Lock()
	rs := h.residents
	h.mu.Unlock()
	for _, u := range rs {
		if _, err := h.addMember(ctx, room, u, false); err != nil {
			h.log.Warn("add resident to new room", "room", room.ID, "user", u.ID, "err", err)
		}
	}
}
