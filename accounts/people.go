package accounts

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Search returns the people and assistants whose username or display name
// starts with prefix (ignoring case), by username, at most limit of them
// (1..store.MaxSearch). BAD_REQUEST for a limit out of that range.
func (a *Accounts) Search(ctx context.Context, prefix string, limit int) ([]parley.User, error) {
	if limit < 1 || limit > store.MaxSearch {
		return nil, parley.Errorf(parley.CodeBadRequest, "limit must be 1-%d", store.MaxSearch)
	}
	return a.cfg.People.Search(ctx, strings.TrimSpace(prefix), limit)
}

// SetDisplayName changes userID's display name and returns the account.
// The name is trimmed, and an empty one stands for the username, as at
// registration. BAD_REQUEST for control or bidirectional-override
// characters or for a name that passes for a reserved account's (the
// assistant's, the system's, a service's), TOO_LARGE past 64 characters.
func (a *Accounts) SetDisplayName(ctx context.Context, u parley.User, displayName string) (*parley.User, error) {
	displayName = strings.TrimSpace(displayName)
	if displayName == "" {
		displayName = u.Username
	}
	if err := parley.ValidateDisplayName(displayName); err != nil {
		return nil, err
	}
	if a.impersonates(displayName) {
		return nil, parley.Errorf(parley.CodeBadRequest, "displayName %q is reserved", displayName)
	}
	return a.cfg.People.SetDisplayName(ctx, u.ID, displayName)
}

// impersonates reports whether a display name reads as a reserved
// account's name, ignoring case and a leading '@'.
func (a *Accounts) impersonates(displayName string) bool {
	n := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(displayName), "@"))
	return a.reserved[n] || a.reservedNames[n]
}
