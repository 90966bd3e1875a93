package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-chat/parley/store"
)

// Services implements store.Services.
type Services struct{ db *DB }

var _ store.Services = (*Services)(nil)

// Create stores an integration's credentials.
func (s *Services) Create(ctx context.Context, svc *store.Service) error {
	if svc == nil || svc.AppID == "" || svc.SecretHash == "" || svc.UserID == "" {
		return fmt.Errorf("app id, secret and user are required: %w", store.ErrInvalid)
	}
	created := s.db.stamp(svc.CreatedAt)
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, svc.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO services (app_id, secret_hash, user_id, created_at, configured, revoked) VALUES (?, ?, ?, ?, ?, ?)`,
			svc.AppID, svc.SecretHash, svc.UserID, toMillis(created), svc.Configured, svc.Revoked)
		if isUnique(err) {
			return fmt.Errorf("service %q: %w: %w", svc.AppID, store.ErrConflict, err)
		}
		return err
	})
	if err != nil {
		return err
	}
	svc.CreatedAt = created
	return nil
}

// ByAppID returns NOT_FOUND for an unknown app id.
func (s *Services) ByAppID(ctx context.Context, appID string) (*store.Service, error) {
	svc, err := scanService(s.db.read.QueryRowContext(ctx,
		`SELECT `+serviceColumns+` FROM services WHERE app_id = ?`, appID))
	if err != nil {
		return nil, storeError(err, "service")
	}
	return svc, nil
}

const serviceColumns = `app_id, secret_hash, user_id, created_at, configured, revoked`

func scanService(row interface{ Scan(...any) error }) (*store.Service, error) {
	var svc store.Service
	var created int64
	if err := row.Scan(&svc.AppID, &svc.SecretHash, &svc.UserID, &created, &svc.Configured, &svc.Revoked); err != nil {
		return nil, err
	}
	svc.CreatedAt = fromMillis(created)
	return &svc, nil
}

// List returns every service by app id.
func (s *Services) List(ctx context.Context) ([]store.Service, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+serviceColumns+` FROM services ORDER BY app_id`)
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	var out []store.Service
	for rows.Next() {
		svc, err := scanService(rows)
		if err != nil {
			return nil, storeError(err, "")
		}
		out = append(out, *svc)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return out, nil
}

// SetRevoked revokes or reinstates the service.
func (s *Services) SetRevoked(ctx context.Context, appID string, revoked bool) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE services SET revoked = ? WHERE app_id = ?`, revoked, appID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("service %q: %w", appID, store.ErrNotFound)
			}
			return err
		}
		return nil
	})
}

// SetSecret replaces the secret hash.
func (s *Services) SetSecret(ctx context.Context, appID, secretHash string) error {
	if secretHash == "" {
		return fmt.Errorf("secret is required: %w", store.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE services SET secret_hash = ? WHERE app_id = ?`, secretHash, appID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("service %q: %w", appID, store.ErrNotFound)
			}
			return err
		}
		return nil
	})
}
