package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Users implements store.Users.
type Users struct{ db *DB }

var _ store.Users = (*Users)(nil)

const userCols = `id, username, display_name, kind, password_hash, created_at, admin, disabled`

// Create inserts u, normalising its username and filling in a zero
// CreatedAt and an empty Kind (human).
func (s *Users) Create(ctx context.Context, u *parley.User) error {
	if u == nil || u.ID == "" {
		return fmt.Errorf("user id is required: %w", store.ErrInvalid)
	}
	name := parley.NormalizeUsername(u.Username)
	if name == "" {
		return fmt.Errorf("username is required: %w", store.ErrInvalid)
	}
	kind := u.Kind
	if kind == "" {
		kind = parley.KindHuman
	}
	created := s.db.stamp(u.CreatedAt)
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, name, u.DisplayName, string(kind), u.PasswordHash, toMillis(created), u.Admin, u.Disabled)
		if isUnique(err) {
			if strings.Contains(err.Error(), "users.username") {
				return fmt.Errorf("username %q: %w: %w", name, store.ErrConflict, err)
			}
			return fmt.Errorf("user %q: %w: %w", u.ID, store.ErrConflict, err)
		}
		return err
	})
	if err != nil {
		return err
	}
	u.Username, u.Kind, u.CreatedAt = name, kind, created
	return nil
}

// ByID returns NOT_FOUND when no user has that id.
func (s *Users) ByID(ctx context.Context, id string) (*parley.User, error) {
	row := s.db.read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id)
	u, err := scanUser(row)
	if err != nil {
		return nil, storeError(err, "user")
	}
	return u, nil
}

// ByUsername matches case-insensitively.
func (s *Users) ByUsername(ctx context.Context, username string) (*parley.User, error) {
	row := s.db.read.QueryRowContext(ctx,
		`SELECT `+userCols+` FROM users WHERE username = ?`, parley.NormalizeUsername(username))
	u, err := scanUser(row)
	if err != nil {
		return nil, storeError(err, "user")
	}
	return u, nil
}

// ByUsernames returns the users that have any of usernames; unknown names
// are skipped.
func (s *Users) ByUsernames(ctx context.Context, usernames []string) ([]parley.User, error) {
	names := make([]string, len(usernames))
	for i, n := range usernames {
		names[i] = parley.NormalizeUsername(n)
	}
	return s.in(ctx, "username", names)
}

// idChunk keeps IN lists well below SQLite's bound-parameter limit.
const idChunk = 500

// ByIDs returns the users that exist among ids; unknown ids are skipped.
func (s *Users) ByIDs(ctx context.Context, ids []string) ([]parley.User, error) {
	return s.in(ctx, "id", ids)
}

// in returns the users whose column (id or username, both unique) is
// among keys, in chunks.
func (s *Users) in(ctx context.Context, column string, ids []string) ([]parley.User, error) {
	seen := make(map[string]bool, len(ids))
	uniq := make([]any, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	users := make([]parley.User, 0, len(uniq))
	for len(uniq) > 0 {
		n := min(len(uniq), idChunk)
		rows, err := s.db.read.QueryContext(ctx,
			`SELECT `+userCols+` FROM users WHERE `+column+` IN (`+placeholders(n)+`)`, uniq[:n]...)
		if err != nil {
			return nil, storeError(err, "")
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				_ = rows.Close()
				return nil, storeError(err, "")
			}
			users = append(users, *u)
		}
		if err := rows.Err(); err != nil {
			return nil, storeError(err, "")
		}
		_ = rows.Close()
		uniq = uniq[n:]
	}
	return users, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanUser(sc scanner) (*parley.User, error) {
	var u parley.User
	var kind string
	var created int64
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &kind, &u.PasswordHash, &created, &u.Admin, &u.Disabled); err != nil {
		return nil, err
	}
	u.Kind = parley.UserKind(kind)
	u.CreatedAt = fromMillis(created)
	return &u, nil
}

// queryUsers runs a query of userCols and reads every row.
func queryUsers(ctx context.Context, db *sql.DB, query string, args ...any) ([]parley.User, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeError(err, "")
	}
	defer func() { _ = rows.Close() }()
	users := []parley.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, storeError(err, "")
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return users, nil
}
