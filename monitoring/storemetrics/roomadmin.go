package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.RoomAdmin = (*timedRoomAdmin)(nil)

type timedRoomAdmin struct {
	next                   store.RoomAdmin
	update, setRole, leave op
}

func newTimedRoomAdmin(next store.RoomAdmin, m *metrics) *timedRoomAdmin {
	return &timedRoomAdmin{
		next:    next,
		update:  m.op("room_admin.update"),
		setRole: m.op("room_admin.set_role"),
		leave:   m.op("room_admin.leave"),
	}
}

func (t *timedRoomAdmin) Update(ctx context.Context, id string, name, topic *string) (_ *parley.Room, err error) {
	defer t.update.done(time.Now(), &err)
	return t.next.Update(ctx, id, name, topic)
}

func (t *timedRoomAdmin) SetRole(ctx context.Context, roomID, userID string, role parley.Role) (err error) {
	defer t.setRole.done(time.Now(), &err)
	return t.next.SetRole(ctx, roomID, userID, role)
}

func (t *timedRoomAdmin) Leave(ctx context.Context, roomID, userID string) (_ *parley.Membership, err error) {
	defer t.leave.done(time.Now(), &err)
	return t.next.Leave(ctx, roomID, userID)
}
