package store

import (
	"context"

	"github.com/parley-chat/parley"
)

// MaxSearch bounds how many accounts one People.Search returns.
const MaxSearch = 50

// People finds people and lets them change their own account. It is apart
// from Users so that each interface stays small.
type People interface {
	// Search returns up to limit (1..MaxSearch; others are clamped) people
	// and assistants (kinds human and bot, never service accounts) whose
	// username or display name starts with prefix, ignoring ASCII case,
	// ordered by username. An empty prefix matches everyone. It never
	// returns ErrNotFound.
	Search(ctx context.Context, prefix string, limit int) ([]parley.User, error)
	// SetDisplayName replaces the display name of user id and returns the
	// updated account. ErrNotFound when no user has that id.
	SetDisplayName(ctx context.Context, id, displayName string) (*parley.User, error)
	// SetPassword replaces the password hash of user id. ErrNotFound when
	// no user has that id, ErrInvalid for an empty hash.
	SetPassword(ctx context.Context, id, passwordHash string) error
}

// ClampSearch brings a Search limit into 1..MaxSearch.
func ClampSearch(limit int) int { return min(max(limit, 1), MaxSearch) }
