package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Memberships = (*timedMemberships)(nil)

type timedMemberships struct {
	next                                         store.Memberships
	add, remove, get, members, roomsOf, markRead op
}

func newTimedMemberships(next store.Memberships, m *metrics) *timedMemberships {
	return &timedMemberships{
		next:     next,
		add:      m.op("memberships.add"),
		remove:   m.op("memberships.remove"),
		get:      m.op("memberships.get"),
		members:  m.op("memberships.members"),
		roomsOf:  m.op("memberships.rooms_of"),
		markRead: m.op("memberships.mark_read"),
	}
}

func (t *timedMemberships) Add(ctx context.Context, mb parley.Membership) (_ bool, err error) {
	defer t.add.done(time.Now(), &err)
	return t.next.Add(ctx, mb)
}

func (t *timedMemberships) Remove(ctx context.Context, roomID, userID string) (err error) {
	defer t.remove.done(time.Now(), &err)
	return t.next.Remove(ctx, roomID, userID)
}

func (t *timedMemberships) Get(ctx context.Context, roomID, userID string) (_ *parley.Membership, err error) {
	defer t.get.done(time.Now(), &err)
	return t.next.Get(ctx, roomID, userID)
}

func (t *timedMemberships) Members(ctx context.Context, roomID string) (_ []parley.Member, err error) {
	defer t.members.done(time.Now(), &err)
	return t.next.Members(ctx, roomID)
}

func (t *timedMemberships) RoomsOf(ctx context.Context, userID string) (_ []parley.UserRoom, err error) {
	defer t.roomsOf.done(time.Now(), &err)
	return t.next.RoomsOf(ctx, userID)
}

func (t *timedMemberships) MarkRead(ctx context.Context, roomID, userID string, seq int64) (_ int64, err error) {
	defer t.markRead.done(time.Now(), &err)
	return t.next.MarkRead(ctx, roomID, userID, seq)
}
