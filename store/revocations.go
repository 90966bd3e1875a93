package store

import (
	"context"
	"fmt"
	"time"
)

// Revocation ends bearer tokens before they expire: one token (TokenID
// set, a logout), or every token of UserID issued at or before At (TokenID
// empty: a logout everywhere, a revoked or rotated service, a password
// change).
type Revocation struct {
	UserID  string
	TokenID string
	// ExceptTokenID, on a user-wide revocation only, names the one token it
	// spares: a password change ends the other sessions, not the one that
	// made it.
	ExceptTokenID string
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
	// again keeps the later At and the later Expires of the two, and the
	// ExceptTokenID of the one with the later At (of r on a tie): a newer
	// revocation decides which token is spared. ErrInvalid for an empty
	// UserID, a zero At or Expires, or an ExceptTokenID with a TokenID.
	Revoke(ctx context.Context, r Revocation) error
	// Revoked reports whether the token tokenID of userID, issued at
	// issuedAt, is revoked: by its own record, or by a user-wide one whose
	// At is at or after issuedAt and whose ExceptTokenID is not tokenID. It never returns ErrNotFound; ErrInvalid
	// for an empty userID.
	Revoked(ctx context.Context, userID, tokenID string, issuedAt time.Time) (bool, error)
	// Since returns the revocations whose At is at or after t, oldest
	// first. It never returns ErrNotFound.
	Since(ctx context.Context, t time.Time) ([]Revocation, error)
	// Purge deletes the revocations whose Expires is before t and returns
	// how many it deleted. It never returns ErrNotFound.
	Purge(ctx context.Context, before time.Time) (int64, error)
}

// CheckRevocation is Revoke's validation, shared by the backends.
func CheckRevocation(r Revocation) error {
	if r.UserID == "" || r.At.IsZero() || r.Expires.IsZero() {
		return fmt.Errorf("user, time and expiry are required: %w", ErrInvalid)
	}
	if r.TokenID != "" && r.ExceptTokenID != "" {
		return fmt.Errorf("only a user-wide revocation spares a token: %w", ErrInvalid)
	}
	return nil
}
