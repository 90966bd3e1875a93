package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Rooms = (*timedRooms)(nil)

type timedRooms struct {
	next                                     store.Rooms
	create, byID, public, groups, openDirect op
}

func newTimedRooms(next store.Rooms, m *metrics) *timedRooms {
	return &timedRooms{
		next:       next,
		create:     m.op("rooms.create"),
		byID:       m.op("rooms.by_id"),
		public:     m.op("rooms.public"),
		groups:     m.op("rooms.groups"),
		openDirect: m.op("rooms.open_direct"),
	}
}

func (t *timedRooms) Create(ctx context.Context, r *parley.Room, ownerID string) (err error) {
	defer t.create.done(time.Now(), &err)
	return t.next.Create(ctx, r, ownerID)
}

func (t *timedRooms) ByID(ctx context.Context, id string) (_ *parley.Room, err error) {
	defer t.byID.done(time.Now(), &err)
	return t.next.ByID(ctx, id)
}

func (t *timedRooms) Public(ctx context.Context) (_ []parley.Room, err error) {
	defer t.public.done(time.Now(), &err)
	return t.next.Public(ctx)
}

func (t *timedRooms) Groups(ctx context.Context) (_ []parley.Room, err error) {
	defer t.groups.done(time.Now(), &err)
	return t.next.Groups(ctx)
}

func (t *timedRooms) OpenDirect(ctx context.Context, r *parley.Room, a, b string) (_ *parley.Room, _ bool, err error) {
	defer t.openDirect.done(time.Now(), &err)
	return t.next.OpenDirect(ctx, r, a, b)
}
