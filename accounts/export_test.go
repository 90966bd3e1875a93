package accounts

import (
	"context"
	"time"
)

// SetSleep replaces the wait after a password change, for tests on a fake
// clock.
func (a *Accounts) SetSleep(f func(context.Context, time.Duration)) { a.sleep = f }
