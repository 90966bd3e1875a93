package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// UserAdmin implements store.UserAdmin.
type UserAdmin struct{ db *DB }

var _ store.UserAdmin = (*UserAdmin)(nil)

// List returns every account by username.
func (s *UserAdmin) List(ctx context.Context) ([]parley.User, error) {
	return queryUsers(ctx, s.db.read, `SELECT `+userCols+` FROM users ORDER BY username`)
}

// SetAdmin returns NOT_FOUND when no user has that id.
func (s *UserAdmin) SetAdmin(ctx context.Context, id string, admin bool) error {
	return s.set(ctx, "admin", id, admin)
}

// SetDisabled returns NOT_FOUND when no user has that id.
func (s *UserAdmin) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return s.set(ctx, "disabled", id, disabled)
}

// set writes one of the flag columns (a constant of this file, never
// input).
func (s *UserAdmin) set(ctx context.Context, column, id string, v bool) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+column+` = ? WHERE id = ?`, v, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
		}
		return nil
	})
}
