package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Notifications = (*timedNotifications)(nil)

type timedNotifications struct {
	next      store.Notifications
	setNotify op
}

func newTimedNotifications(next store.Notifications, m *metrics) *timedNotifications {
	return &timedNotifications{next: next, setNotify: m.op("notifications.set_notify")}
}

func (t *timedNotifications) SetNotify(ctx context.Context, roomID, userID string, level parley.NotifyLevel) (err error) {
	defer t.setNotify.done(time.Now(), &err)
	return t.next.SetNotify(ctx, roomID, userID, level)
}
