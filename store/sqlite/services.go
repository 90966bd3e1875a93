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
			`INSERT INTO services (app_id, secret_hash, user_id, created_at) VALUES (?, ?, ?, ?)`,
			svc.AppID, svc.SecretHash, svc.UserID, toMillis(created))
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
	svc := store.Service{AppID: appID}
	var created int64
	err := s.db.read.QueryRowContext(ctx,
		`SELECT secret_hash, user_id, created_at FROM services WHERE app_id = ?`, appID).
		Scan(&svc.SecretHash, &svc.UserID, &created)
	if err != nil {
		return nil, storeError(err, "service")
	}
	svc.CreatedAt = fromMillis(created)
	return &svc, nil
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
