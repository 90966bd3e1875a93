package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parley-chat/parley/store"
)

// Revocations implements store.Revocations.
type Revocations struct{ db *DB }

var _ store.Revocations = (*Revocations)(nil)

// revocationKey is the row of one token's revocation, or of a user-wide one.
func revocationKey(userID, tokenID string) string {
	if tokenID == "" {
		return "u:" + userID
	}
	return "t:" + tokenID
}

// Revoke records r, keeping the later times of an existing record.
func (s *Revocations) Revoke(ctx context.Context, r store.Revocation) error {
	if err := store.CheckRevocation(r); err != nil {
		return err
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		// The SET expressions all read the row as it was, so except_token
		// follows whichever of the two revocations is the later.
		_, err := tx.ExecContext(ctx,
			`INSERT INTO revocations (id, user_id, token_id, at, expires, except_token) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET at = max(at, excluded.at), expires = max(expires, excluded.expires),
				except_token = CASE WHEN excluded.at >= at THEN excluded.except_token ELSE except_token END`,
			revocationKey(r.UserID, r.TokenID), r.UserID, r.TokenID, toMillis(r.At), toMillis(r.Expires), r.ExceptTokenID)
		return err
	})
}

// Revoked looks up the token's own record and its user's.
func (s *Revocations) Revoked(ctx context.Context, userID, tokenID string, issuedAt time.Time) (bool, error) {
	if userID == "" {
		return false, fmt.Errorf("user is required: %w", store.ErrInvalid)
	}
	var revoked bool
	err := s.db.read.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM revocations WHERE id = ? AND user_id = ?)
			OR EXISTS (SELECT 1 FROM revocations WHERE id = ? AND at >= ? AND (except_token = '' OR except_token <> ?))`,
		revocationKey(userID, tokenID), userID, revocationKey(userID, ""), toMillis(issuedAt), tokenID).Scan(&revoked)
	if err != nil {
		return false, storeError(err, "")
	}
	return revoked, nil
}

// Since lists the revocations made at or after t.
func (s *Revocations) Since(ctx context.Context, t time.Time) ([]store.Revocation, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT user_id, token_id, except_token, at, expires FROM revocations WHERE at >= ? ORDER BY at, id`, toMillis(t))
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	var out []store.Revocation
	for rows.Next() {
		var r store.Revocation
		var at, expires int64
		if err := rows.Scan(&r.UserID, &r.TokenID, &r.ExceptTokenID, &at, &expires); err != nil {
			return nil, storeError(err, "")
		}
		r.At, r.Expires = fromMillis(at), fromMillis(expires)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return out, nil
}

// Purge deletes the revocations that expired before before.
func (s *Revocations) Purge(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM revocations WHERE expires < ?`, toMillis(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
