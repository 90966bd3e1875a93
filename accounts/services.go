package accounts

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// ServiceToken trades a service client's app id and secret for a
// short-lived token, with which it connects like a person and appears as
// kind service. It returns the token, its expiry and lifetime; BAD_REQUEST
// for a missing field, UNAUTHORIZED for an unknown app id, a wrong secret
// or a service no longer configured.
func (a *Accounts) ServiceToken(ctx context.Context, appID, secret string) (string, time.Time, time.Duration, error) {
	if appID == "" || secret == "" {
		return "", time.Time{}, 0, parley.Errorf(parley.CodeBadRequest, "appId and secret are required")
	}
	svc, err := a.cfg.Services.ByAppID(ctx, appID)
	hash := a.dummy
	if err == nil {
		hash = []byte(svc.SecretHash)
	} else if parley.CodeOf(err) != parley.CodeNotFound {
		return "", time.Time{}, 0, err
	}
	// Compared even for unknown app ids, so timing does not tell which exist.
	if bcrypt.CompareHashAndPassword(hash, []byte(secret)) != nil || err != nil || !a.services[appID] {
		return "", time.Time{}, 0, parley.Errorf(parley.CodeUnauthorized, "unknown app id or wrong secret")
	}
	tok, c, err := a.tokens.IssueFor(svc.UserID, a.cfg.ServiceTokenTTL)
	if err != nil {
		return "", time.Time{}, 0, err
	}
	return tok, c.Expires, a.cfg.ServiceTokenTTL, nil
}

// EnsureServices provisions the service clients of the configuration
// (app id -> secret): each gets a kind-service account named by its app id
// and its secret's hash, a changed secret replaces the stored one
// (rotation), and only these app ids get tokens from now on.
func (a *Accounts) EnsureServices(ctx context.Context, secrets map[string]string) error {
	for appID, secret := range secrets {
		if !parley.IsUsername(appID) {
			return fmt.Errorf("service app id %q must be a valid username (%d-%d characters of a-z, 0-9, '_', '.', '-')", appID, parley.MinUsername, parley.MaxUsername)
		}
		if err := a.ensureService(ctx, appID, secret); err != nil {
			return fmt.Errorf("service %s: %w", appID, err)
		}
	}
	a.services = make(map[string]bool, len(secrets))
	for appID := range secrets {
		a.services[appID] = true
	}
	return nil
}

func (a *Accounts) ensureService(ctx context.Context, appID, secret string) error {
	svc, err := a.cfg.Services.ByAppID(ctx, appID)
	if err == nil {
		if bcrypt.CompareHashAndPassword([]byte(svc.SecretHash), []byte(secret)) == nil {
			return nil
		}
		hash, err := a.hash(secret)
		if err != nil {
			return err
		}
		if err := a.cfg.Services.SetSecret(ctx, appID, hash); err != nil {
			return fmt.Errorf("rotate secret: %w", err)
		}
		return nil
	}
	if parley.CodeOf(err) != parley.CodeNotFound {
		return err
	}
	u, err := a.EnsureAccount(ctx, appID, appID, parley.KindService)
	if err != nil {
		return fmt.Errorf("account: %w", err)
	}
	hash, err := a.hash(secret)
	if err != nil {
		return err
	}
	err = a.cfg.Services.Create(ctx, &store.Service{AppID: appID, SecretHash: hash, UserID: u.ID, CreatedAt: parley.Millis(a.cfg.Now())})
	if err != nil && parley.CodeOf(err) != parley.CodeConflict {
		return err
	}
	return nil
}
