package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// People implements store.People.
type People struct{ db *DB }

var _ store.People = (*People)(nil)

// likeEscaper makes a prefix literal in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Search matches with LIKE, which ignores ASCII case in SQLite; the
// username column is NOCASE, so its index can serve the username half.
func (s *People) Search(ctx context.Context, prefix string, limit int) ([]parley.User, error) {
	pattern := likeEscaper.Replace(prefix) + "%"
	return queryUsers(ctx, s.db.read,
		`SELECT `+userCols+` FROM users
		 WHERE kind IN (?, ?) AND (username LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\')
		 ORDER BY username LIMIT ?`,
		string(parley.KindHuman), string(parley.KindBot), pattern, pattern, store.ClampSearch(limit))
}

// SetDisplayName returns NOT_FOUND when no user has that id.
func (s *People) SetDisplayName(ctx context.Context, id, displayName string) (*parley.User, error) {
	var u *parley.User
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx,
			`UPDATE users SET display_name = ? WHERE id = ? RETURNING `+userCols, displayName, id)
		var err error
		u, err = scanUser(row)
		return storeError(err, fmt.Sprintf("user %q", id))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword returns NOT_FOUND when no user has that id and INVALID for
// an empty hash (an account without one cannot log in).
func (s *People) SetPassword(ctx context.Context, id, passwordHash string) error {
	if passwordHash == "" {
		return fmt.Errorf("password hash is required: %w", store.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, id)
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
