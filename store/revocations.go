package store

import (
	"context"
	"time"
)

// Revocation ends bearer tokens before they expire: one token (TokenID
// set, a logout), or every token of UserID issued at or before At (TokenID
// empty: a logout everywhere, a revoked or rotated service).
type Revocation struct {
	UserID  string
	TokenID string
	// At is when the tokens were revoked (millisecond precision).
	At time.Time
	// Expires is when every token the revocation covers has expired anyway:
	// from then on the record may be deleted.
	Expires time.Time
}

// Revocations stores the revoked tokens that have not expired yet. Every
// node of a cluster consults it on each authentication and polls it to
// drop the sockets of revoked tokens.
type Revocations interface {
	// Revoke records r. Revoking the same token, or the same user's tokens,
	// again keeps the later At and the later Expires of the two. ErrInvalid
	// for an empty UserID or a zero At or Expires.
	Revoke(ctx context.Context, r Revocation) error
	// Revoked reports whether the token tokenID of userID, issued at
	// issuedAt, is revoked: by its own record, or by a user-wide one whose
	// At is at or after issuedAt. It never returns ErrNotFound; ErrInvalid
	// for an empty userID.
	Revoked(ctx context.Context, userID, tokenID string, issuedAt time.Time) (bool, error)
	// Since returns the revocations whose At is at or after t, oldest
	// first. It never returns ErrNotFound.
	Since(ctx context.Context, t time.Time) ([]Revocation, error)
	// Purge deletes the revocations whose Expires is before t and returns
	// how many it deleted. It never returns ErrNotFound.
	Purge(ctx context.Context, before time.Time) (int64, error)
}
