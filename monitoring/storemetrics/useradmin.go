package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.UserAdmin = (*timedUserAdmin)(nil)

type timedUserAdmin struct {
	next                        store.UserAdmin
	list, setAdmin, setDisabled op
}

func newTimedUserAdmin(next store.UserAdmin, m *metrics) *timedUserAdmin {
	return &timedUserAdmin{
		next:        next,
		list:        m.op("user_admin.list"),
		setAdmin:    m.op("user_admin.set_admin"),
		setDisabled: m.op("user_admin.set_disabled"),
	}
}

func (t *timedUserAdmin) List(ctx context.Context) (_ []parley.User, err error) {
	defer t.list.done(time.Now(), &err)
	return t.next.List(ctx)
}

func (t *timedUserAdmin) SetAdmin(ctx context.Context, id string, admin bool) (err error) {
	defer t.setAdmin.done(time.Now(), &err)
	return t.next.SetAdmin(ctx, id, admin)
}

func (t *timedUserAdmin) SetDisabled(ctx context.Context, id string, disabled bool) (err error) {
	defer t.setDisabled.done(time.Now(), &err)
	return t.next.SetDisabled(ctx, id, disabled)
}
