package accounts

import (
	"context"
	"time"

	"github.com/parley-chat/parley/store"
)

// Logout revokes the token c was read from and returns the revocation, so
// the caller can end this node's sockets of that token at once (the other
// nodes find it by polling RevokedSince).
func (a *Accounts) Logout(ctx context.Context, c Claims) (store.Revocation, error) {
	r := store.Revocation{UserID: c.UserID, TokenID: c.TokenID, At: a.cfg.Now(), Expires: c.Expires}
	return r, a.cfg.Revocations.Revoke(ctx, r)
}

// LogoutEverywhere revokes every token of userID issued until now (and, as
// tokens carry their issue time to the second, those issued later in the
// same second) and returns the revocation.
func (a *Accounts) LogoutEverywhere(ctx context.Context, userID string) (store.Revocation, error) {
	now := a.cfg.Now()
	r := store.Revocation{UserID: userID, At: now, Expires: now.Add(a.longestTTL())}
	return r, a.cfg.Revocations.Revoke(ctx, r)
}

// longestTTL bounds the life of any token issued before now: a user-wide
// revocation may be forgotten after it.
func (a *Accounts) longestTTL() time.Duration {
	return max(a.tokens.TTL(), a.cfg.ServiceTokenTTL)
}

// RevokedSince returns the revocations made at or after t, oldest first:
// every node polls it to end the sockets of revoked tokens.
func (a *Accounts) RevokedSince(ctx context.Context, t time.Time) ([]store.Revocation, error) {
	return a.cfg.Revocations.Since(ctx, t)
}

// PurgeRevocations forgets the revocations whose tokens have all expired
// anyway, a minute late so that no clock disagreement between nodes
// revives a token, and returns how many it deleted.
func (a *Accounts) PurgeRevocations(ctx context.Context) (int64, error) {
	return a.cfg.Revocations.Purge(ctx, a.cfg.Now().Add(-time.Minute))
}
