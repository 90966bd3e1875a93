package main

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// ensureServices makes the accounts of the service clients named in
// PARLEY_SERVICES and stores their secrets' hashes, rotating a secret that
// changed. A service's username is its app id.
func (m *Main) ensureServices(ctx context.Context) error {
	for appID, secret := range m.cfg.Services {
		if !rooms.ValidUsername(appID) {
			return fmt.Errorf("PARLEY_SERVICES: app id %q must be a valid username (3-32 characters of a-z, 0-9, '_', '.', '-')", appID)
		}
		svc, err := m.store.Services.ByAppID(ctx, appID)
		if err == nil {
			if bcrypt.CompareHashAndPassword([]byte(svc.SecretHash), []byte(secret)) == nil {
				continue
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(secret), m.cfg.BcryptCost)
			if err != nil {
				return err
			}
			if err := m.store.Services.SetSecret(ctx, appID, string(hash)); err != nil {
				return fmt.Errorf("rotate secret of service %s: %w", appID, err)
			}
			continue
		}
		if parley.CodeOf(err) != parley.CodeNotFound {
			return fmt.Errorf("service %s: %w", appID, err)
		}
		u, err := m.ensureAccount(ctx, appID, appID, parley.KindService)
		if err != nil {
			return fmt.Errorf("service %s account: %w", appID, err)
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(secret), m.cfg.BcryptCost)
		if err != nil {
			return err
		}
		err = m.store.Services.Create(ctx, &store.Service{AppID: appID, SecretHash: string(hash), UserID: u.ID, CreatedAt: parley.Millis(time.Now())})
		if err != nil && parley.CodeOf(err) != parley.CodeConflict {
			return fmt.Errorf("service %s: %w", appID, err)
		}
	}
	return nil
}
