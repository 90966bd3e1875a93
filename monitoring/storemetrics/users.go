package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Users = (*timedUsers)(nil)

type timedUsers struct {
	next                                         store.Users
	create, byID, byUsername, byUsernames, byIDs op
}

func newTimedUsers(next store.Users, m *metrics) *timedUsers {
	return &timedUsers{
		next:        next,
		create:      m.op("users.create"),
		byID:        m.op("users.by_id"),
		byUsername:  m.op("users.by_username"),
		byUsernames: m.op("users.by_usernames"),
		byIDs:       m.op("users.by_ids"),
	}
}

func (t *timedUsers) Create(ctx context.Context, u *parley.User) (err error) {
	defer t.create.done(time.Now(), &err)
	return t.next.Create(ctx, u)
}

func (t *timedUsers) ByID(ctx context.Context, id string) (_ *parley.User, err error) {
	defer t.byID.done(time.Now(), &err)
	return t.next.ByID(ctx, id)
}

func (t *timedUsers) ByUsername(ctx context.Context, username string) (_ *parley.User, err error) {
	defer t.byUsername.done(time.Now(), &err)
	return t.next.ByUsername(ctx, username)
}

func (t *timedUsers) ByUsernames(ctx context.Context, usernames []string) (_ []parley.User, err error) {
	defer t.byUsernames.done(time.Now(), &err)
	return t.next.ByUsernames(ctx, usernames)
}

func (t *timedUsers) ByIDs(ctx context.Context, ids []string) (_ []parley.User, err error) {
	defer t.byIDs.done(time.Now(), &err)
	return t.next.ByIDs(ctx, ids)
}
