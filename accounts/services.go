package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
// or a revoked service.
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
	if bcrypt.CompareHashAndPassword(hash, []byte(secret)) != nil || err != nil || svc.Revoked {
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
// and its secret's hash. A changed secret replaces the stored one
// (rotation), reinstates the service if it was revoked, and revokes the
// tokens of the old secret. A configured service that left the
// configuration is revoked with its tokens. Services created with
// CreateService are not the configuration's business.
func (a *Accounts) EnsureServices(ctx context.Context, secrets map[string]string) error {
	for appID, secret := range secrets {
		if !parley.IsUsername(appID) {
			return fmt.Errorf("service app id %q must be a valid username (%d-%d characters of a-z, 0-9, '_', '.', '-')", appID, parley.MinUsername, parley.MaxUsername)
		}
		if err := a.ensureService(ctx, appID, secret); err != nil {
			return fmt.Errorf("service %s: %w", appID, err)
		}
	}
	all, err := a.cfg.Services.List(ctx)
	if err != nil {
		return fmt.Errorf("list services: %w", err)
	}
	for _, svc := range all {
		if _, ok := secrets[svc.AppID]; ok || !svc.Configured || svc.Revoked {
			continue
		}
		if err := a.revokeService(ctx, svc); err != nil {
			return fmt.Errorf("service %s left the configuration: %w", svc.AppID, err)
		}
	}
	return nil
}

func (a *Accounts) ensureService(ctx context.Context, appID, secret string) error {
	svc, err := a.cfg.Services.ByAppID(ctx, appID)
	if err == nil {
		if bcrypt.CompareHashAndPassword([]byte(svc.SecretHash), []byte(secret)) == nil {
			// Same secret: a service revoked from the command line stays
			// revoked until its configured secret changes.
			return nil
		}
		hash, err := a.hash(secret)
		if err != nil {
			return err
		}
		if err := a.rotate(ctx, *svc, hash); err != nil {
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
	err = a.cfg.Services.Create(ctx, &store.Service{AppID: appID, SecretHash: hash, UserID: u.ID, CreatedAt: parley.Millis(a.cfg.Now()), Configured: true})
	if err != nil && parley.CodeOf(err) != parley.CodeConflict {
		return err
	}
	return nil
}

// rotate stores a new secret hash, reinstates the service, and revokes
// every token of the old secret.
func (a *Accounts) rotate(ctx context.Context, svc store.Service, hash string) error {
	if err := a.cfg.Services.SetSecret(ctx, svc.AppID, hash); err != nil {
		return err
	}
	if _, err := a.LogoutEverywhere(ctx, svc.UserID); err != nil {
		return err
	}
	if svc.Revoked {
		return a.cfg.Services.SetRevoked(ctx, svc.AppID, false)
	}
	return nil
}

// revokeService stops svc getting tokens and revokes those it has; every
// node disconnects its sockets within seconds.
func (a *Accounts) revokeService(ctx context.Context, svc store.Service) error {
	if err := a.cfg.Services.SetRevoked(ctx, svc.AppID, true); err != nil {
		return err
	}
	_, err := a.LogoutEverywhere(ctx, svc.UserID)
	return err
}

// CreateService makes a service client outside the configuration
// (`parley service create`) and returns its secret, which is stored only
// hashed. BAD_REQUEST for an app id that is not a valid username, CONFLICT
// for one taken by a service or an account.
func (a *Accounts) CreateService(ctx context.Context, appID string) (string, error) {
	appID = parley.NormalizeUsername(appID)
	if err := parley.ValidateUsername(appID); err != nil {
		return "", err
	}
	if a.reserved[appID] {
		return "", parley.Errorf(parley.CodeConflict, "%q is reserved", appID)
	}
	if _, err := a.cfg.Services.ByAppID(ctx, appID); err == nil {
		return "", parley.Errorf(parley.CodeConflict, "service %q exists", appID)
	} else if parley.CodeOf(err) != parley.CodeNotFound {
		return "", err
	}
	u, err := a.EnsureAccount(ctx, appID, appID, parley.KindService)
	if err != nil {
		return "", parley.Wrap(parley.CodeConflict, err, "%q names an existing account", appID)
	}
	secret, hash, err := a.newSecret()
	if err != nil {
		return "", err
	}
	err = a.cfg.Services.Create(ctx, &store.Service{AppID: appID, SecretHash: hash, UserID: u.ID, CreatedAt: parley.Millis(a.cfg.Now())})
	if parley.CodeOf(err) == parley.CodeConflict {
		return "", parley.Errorf(parley.CodeConflict, "service %q exists", appID)
	}
	return secret, err
}

// Services lists every service client, revoked ones included, by app id.
func (a *Accounts) Services(ctx context.Context) ([]store.Service, error) {
	return a.cfg.Services.List(ctx)
}

// RevokeService stops a service getting tokens and revokes those it has:
// its sockets drop within seconds. A configured service stays revoked
// until its secret in the configuration changes. NOT_FOUND for an unknown
// app id.
func (a *Accounts) RevokeService(ctx context.Context, appID string) error {
	svc, err := a.service(ctx, appID)
	if err != nil {
		return err
	}
	return a.revokeService(ctx, *svc)
}

// RotateService gives a service a new secret, returned once, revokes the
// tokens of the old one and reinstates the service if it was revoked.
// NOT_FOUND for an unknown app id; FORBIDDEN for a configured service,
// whose secret is the configuration's.
func (a *Accounts) RotateService(ctx context.Context, appID string) (string, error) {
	svc, err := a.service(ctx, appID)
	if err != nil {
		return "", err
	}
	if svc.Configured {
		return "", parley.Errorf(parley.CodeForbidden, "service %q comes from PARLEY_SERVICES: change its secret there", appID)
	}
	secret, hash, err := a.newSecret()
	if err != nil {
		return "", err
	}
	return secret, a.rotate(ctx, *svc, hash)
}

func (a *Accounts) service(ctx context.Context, appID string) (*store.Service, error) {
	svc, err := a.cfg.Services.ByAppID(ctx, appID)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, parley.Errorf(parley.CodeNotFound, "no service has the app id %q", appID)
	}
	return svc, err
}

// newSecret returns 256 random bits, URL-safe, and their hash.
func (a *Accounts) newSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate a secret: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	hash, err = a.hash(secret)
	return secret, hash, err
}
