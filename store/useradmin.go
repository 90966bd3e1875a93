package store

import (
	"context"

	"github.com/parley-chat/parley"
)

// UserAdmin is what the server's operators change about accounts (the
// `parley user` command): who administers the server and who may no
// longer use it. It is apart from Users so that each interface stays
// small; passwords are set through People.SetPassword.
type UserAdmin interface {
	// List returns every account, ordered by username. It never returns
	// ErrNotFound.
	List(ctx context.Context) ([]parley.User, error)
	// SetAdmin makes user id a server administrator or takes that away;
	// setting the value it already has is fine. ErrNotFound when no user
	// has that id.
	SetAdmin(ctx context.Context, id string, admin bool) error
	// SetDisabled disables or re-enables user id; setting the value it
	// already has is fine. ErrNotFound when no user has that id.
	SetDisabled(ctx context.Context, id string, disabled bool) error
}
