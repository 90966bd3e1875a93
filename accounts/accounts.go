// Package accounts owns who may use Parley and as whom: registration and
// its policy, password hashing, login, the bearer tokens of people and
// services, and the provisioning of the accounts the server runs itself
// (the assistant, service clients) with their secrets. The transport calls
// it and never hashes or signs anything on its own.
package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Welcomer brings a new person into the default room (the hub does).
type Welcomer interface {
	Welcome(ctx context.Context, u parley.User) error
}

// Config configures Accounts. Zero values take the defaults noted.
type Config struct {
	Users store.Users
	// People finds accounts and changes people's own.
	People   store.People
	Services store.Services
	// Revocations holds the tokens revoked before their expiry.
	Revocations store.Revocations
	// UserAdmin makes server administrators and disables accounts (the
	// `parley user` command only; the server needs none).
	UserAdmin store.UserAdmin
	Welcomer  Welcomer
	// Secret signs tokens (HS256); every node of a cluster needs the same.
	Secret []byte
	// TokenTTL is the lifetime of people's tokens (7 days).
	TokenTTL time.Duration
	// ServiceTokenTTL is the lifetime of service clients' tokens (1h).
	ServiceTokenTTL time.Duration
	// BcryptCost is the hashing cost of passwords and secrets
	// (bcrypt.DefaultCost).
	BcryptCost int
	// Reserved usernames cannot be registered: the assistant's and the
	// service clients' (the system account's, "system" and "admin" always
	// are).
	Reserved []string
	// ReservedDisplayNames cannot be taken as display names either (the
	// assistant's), nor can the reserved usernames; both ignore case.
	ReservedDisplayNames []string
	Now                  func() time.Time
	NewID                func() string
}

// Accounts is the account service.
type Accounts struct {
	cfg      Config
	tokens   *Tokens
	reserved map[string]bool
	// reservedNames are ReservedDisplayNames, lower case.
	reservedNames map[string]bool
	// dummy is compared against when the account does not exist, so
	// response times do not tell which usernames or app ids exist.
	dummy []byte
	// sleep waits out the second of a password change's revocation.
	sleep func(context.Context, time.Duration)
}

// New fills in cfg's defaults.
func New(cfg Config) *Accounts {
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.ServiceTokenTTL <= 0 {
		cfg.ServiceTokenTTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = parley.NewID
	}
	a := &Accounts{
		cfg:           cfg,
		tokens:        NewTokens(cfg.Secret, cfg.TokenTTL, cfg.Now),
		reserved:      map[string]bool{},
		reservedNames: map[string]bool{},
		sleep:         sleepCtx,
	}
	for _, n := range cfg.ReservedDisplayNames {
		a.reservedNames[strings.ToLower(strings.TrimSpace(n))] = true
	}
	a.tokens.newID = cfg.NewID
	for _, n := range append([]string{System().Username, "system", "admin"}, cfg.Reserved...) {
		a.reserved[parley.NormalizeUsername(n)] = true
	}
	a.dummy, _ = bcrypt.GenerateFromPassword([]byte("parley-timing-equaliser"), cfg.BcryptCost)
	return a
}

// Register creates a person's account and brings them into the default
// room. BAD_REQUEST or TOO_LARGE for a username, password or display name
// outside the policy, CONFLICT for a name taken or reserved.
func (a *Accounts) Register(ctx context.Context, username, password, displayName string) (*parley.User, error) {
	name := parley.NormalizeUsername(username)
	if err := parley.ValidateUsername(name); err != nil {
		return nil, err
	}
	if a.reserved[name] {
		return nil, parley.Errorf(parley.CodeConflict, "username %q is taken", name)
	}
	if err := parley.ValidatePassword(password); err != nil {
		return nil, err
	}
	displayName = strings.TrimSpace(displayName)
	if displayName == "" {
		displayName = name
	}
	if err := parley.ValidateDisplayName(displayName); err != nil {
		return nil, err
	}
	hash, err := a.hash(password)
	if err != nil {
		return nil, err
	}
	u := &parley.User{
		ID: a.cfg.NewID(), Username: name, DisplayName: displayName, Kind: parley.KindHuman,
		PasswordHash: hash, CreatedAt: parley.Millis(a.cfg.Now()),
	}
	if err := a.cfg.Users.Create(ctx, u); err != nil {
		if parley.CodeOf(err) == parley.CodeConflict {
			return nil, parley.Errorf(parley.CodeConflict, "username %q is taken", name)
		}
		return nil, err
	}
	if err := a.cfg.Welcomer.Welcome(ctx, *u); err != nil {
		return nil, err
	}
	return u, nil
}

// Login returns the account whose password matches, or UNAUTHORIZED
// without saying which of the two was wrong. A disabled account is
// FORBIDDEN, and only to whoever knows its password: the refusal tells
// nothing to those who do not.
func (a *Accounts) Login(ctx context.Context, username, password string) (*parley.User, error) {
	bad := parley.Errorf(parley.CodeUnauthorized, "wrong username or password")
	u, err := a.cfg.Users.ByUsername(ctx, parley.NormalizeUsername(username))
	if parley.CodeOf(err) == parley.CodeNotFound {
		_ = bcrypt.CompareHashAndPassword(a.dummy, []byte(password))
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, bad
	}
	if u.Disabled {
		return nil, errDisabled()
	}
	return u, nil
}

// errDisabled is what a disabled account hears when it logs in.
func errDisabled() error {
	return parley.Errorf(parley.CodeForbidden, "account disabled")
}

// IssueToken returns a bearer token for a person's account and what it
// says (its id and expiry).
func (a *Accounts) IssueToken(userID string) (string, Claims, error) {
	return a.tokens.Issue(userID)
}

// Authenticate returns the account a bearer token was issued to and the
// token's claims: UNAUTHORIZED for a missing, forged, expired or revoked
// token, or one whose account no longer exists or is disabled. Disabling
// revokes the account's tokens too; this check covers a token issued
// between the two.
func (a *Accounts) Authenticate(ctx context.Context, token string) (*parley.User, Claims, error) {
	c, err := a.tokens.Verify(token)
	if err != nil {
		return nil, Claims{}, err
	}
	revoked, err := a.cfg.Revocations.Revoked(ctx, c.UserID, c.TokenID, c.IssuedAt)
	if err != nil {
		return nil, Claims{}, err
	}
	if revoked {
		return nil, Claims{}, parley.Errorf(parley.CodeUnauthorized, "the token has been revoked")
	}
	u, err := a.cfg.Users.ByID(ctx, c.UserID)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, Claims{}, parley.Errorf(parley.CodeUnauthorized, "the token's account no longer exists")
	}
	if err != nil {
		return nil, Claims{}, err
	}
	if u.Disabled {
		return nil, Claims{}, parley.Errorf(parley.CodeUnauthorized, "the token's account is disabled")
	}
	return u, c, nil
}

// EnsureAccount returns the account named username, creating it with kind
// the first time, or reading the one another node of the cluster just
// made. Such accounts have no password: they cannot log in, they are run
// by the server (the assistant) or reached through a service secret. An
// existing account of another kind is an error: the name is taken.
func (a *Accounts) EnsureAccount(ctx context.Context, username, displayName string, kind parley.UserKind) (*parley.User, error) {
	u, err := a.cfg.Users.ByUsername(ctx, username)
	if parley.CodeOf(err) == parley.CodeNotFound {
		u = &parley.User{ID: a.cfg.NewID(), Username: username, DisplayName: displayName, Kind: kind, CreatedAt: parley.Millis(a.cfg.Now())}
		err = a.cfg.Users.Create(ctx, u)
		if parley.CodeOf(err) == parley.CodeConflict {
			u, err = a.cfg.Users.ByUsername(ctx, username)
		}
	}
	if err != nil {
		return nil, err
	}
	if u.Kind != kind {
		return nil, fmt.Errorf("%q names an existing %s account; choose another name", username, u.Kind)
	}
	return u, nil
}

func (a *Accounts) hash(secret string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(secret), a.cfg.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	return string(h), nil
}

// System is the account that owns the default room. It has no password
// and no secret: nobody can act as it.
func System() parley.User {
	return parley.User{ID: "system", Username: "parley", DisplayName: "Parley", Kind: parley.KindService}
}

// EnsureSystem creates the system account on first start.
func (a *Accounts) EnsureSystem(ctx context.Context) (parley.User, error) {
	u := System()
	u.CreatedAt = parley.Millis(a.cfg.Now())
	if err := a.cfg.Users.Create(ctx, &u); err != nil && parley.CodeOf(err) != parley.CodeConflict {
		return parley.User{}, fmt.Errorf("create the system account: %w", err)
	}
	return u, nil
}
