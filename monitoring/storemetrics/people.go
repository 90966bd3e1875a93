package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.People = (*timedPeople)(nil)

type timedPeople struct {
	next                                store.People
	search, setDisplayName, setPassword op
}

func newTimedPeople(next store.People, m *metrics) *timedPeople {
	return &timedPeople{
		next:           next,
		search:         m.op("people.search"),
		setDisplayName: m.op("people.set_display_name"),
		setPassword:    m.op("people.set_password"),
	}
}

func (t *timedPeople) Search(ctx context.Context, prefix string, limit int) (_ []parley.User, err error) {
	defer t.search.done(time.Now(), &err)
	return t.next.Search(ctx, prefix, limit)
}

func (t *timedPeople) SetDisplayName(ctx context.Context, id, displayName string) (_ *parley.User, err error) {
	defer t.setDisplayName.done(time.Now(), &err)
	return t.next.SetDisplayName(ctx, id, displayName)
}

func (t *timedPeople) SetPassword(ctx context.Context, id, passwordHash string) (err error) {
	defer t.setPassword.done(time.Now(), &err)
	return t.next.SetPassword(ctx, id, passwordHash)
}
