package accounts

import (
	"context"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// ChangePassword replaces the password of the account c was issued to,
// after checking the current one, and revokes every other token of that
// account: whoever learnt the old password (or holds a token it gave) is
// out, the session that made the change stays. It returns the revocation,
// so that the caller can end this node's sockets of those tokens at once.
//
// UNAUTHORIZED for a wrong current password (as a login with it would be),
// BAD_REQUEST or TOO_LARGE for a new password outside the registration
// policy.
//
// Tokens carry their issue time to the second only, so a token issued in
// the second of the revocation counts as revoked; ChangePassword returns
// when that second is over, so that a login with the new password after
// it gets a token that works.
func (a *Accounts) ChangePassword(ctx context.Context, c Claims, current, password string) (store.Revocation, error) {
	u, err := a.cfg.Users.ByID(ctx, c.UserID)
	if err != nil {
		return store.Revocation{}, err
	}
	if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		return store.Revocation{}, parley.Errorf(parley.CodeUnauthorized, "the current password is wrong")
	}
	if err := parley.ValidatePassword(password); err != nil {
		return store.Revocation{}, err
	}
	hash, err := a.hash(password)
	if err != nil {
		return store.Revocation{}, err
	}
	if err := a.cfg.People.SetPassword(ctx, u.ID, hash); err != nil {
		return store.Revocation{}, err
	}
	// Revoked after the new hash is in place, so that a login racing with
	// the change and still checked against the old password gets a token
	// the revocation covers.
	now := a.cfg.Now()
	r := store.Revocation{UserID: u.ID, ExceptTokenID: c.TokenID, At: now, Expires: now.Add(a.longestTTL())}
	if err := a.cfg.Revocations.Revoke(ctx, r); err != nil {
		return store.Revocation{}, err
	}
	// The change is made: a caller gone before the second is over only
	// misses the wait.
	a.sleep(ctx, now.Truncate(time.Second).Add(time.Second).Sub(a.cfg.Now()))
	return r, nil
}

// sleepCtx waits for d, or less if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
