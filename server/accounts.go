package server

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// Password limits: bcrypt ignores bytes past 72, so longer passwords are
// refused rather than silently truncated.
const (
	minPassword    = 8
	maxPassword    = 72
	maxDisplayName = 64
)

// accounts registers users and checks their passwords.
type accounts struct {
	users    store.Users
	hub      *rooms.Hub
	cost     int
	reserved map[string]bool
	newID    func() string
	now      func() time.Time
	dummy    []byte
}

func newAccounts(cfg Config) *accounts {
	cost := cfg.BcryptCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	r := map[string]bool{}
	for _, n := range cfg.ReservedUsernames {
		r[parley.NormalizeUsername(n)] = true
	}
	// Logging in as an unknown user still costs one bcrypt comparison, so
	// response times do not tell which usernames exist.
	dummy, _ := bcrypt.GenerateFromPassword([]byte("parley-timing-equaliser"), cost)
	return &accounts{users: cfg.Store.Users, hub: cfg.Hub, cost: cost, reserved: r, newID: cfg.NewID, now: cfg.Now, dummy: dummy}
}

// register creates a human account and makes it a member of the default room.
func (a *accounts) register(ctx context.Context, username, password, displayName string) (*parley.User, error) {
	name := parley.NormalizeUsername(username)
	if !rooms.ValidUsername(name) {
		return nil, parley.Errorf(parley.CodeBadRequest, "username must be 3-32 characters of a-z, 0-9, '_', '.' or '-'")
	}
	if a.reserved[name] {
		return nil, parley.Errorf(parley.CodeConflict, "username %q is taken", name)
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	displayName = strings.TrimSpace(displayName)
	if displayName == "" {
		displayName = name
	}
	if utf8.RuneCountInString(displayName) > maxDisplayName {
		return nil, parley.Errorf(parley.CodeTooLarge, "displayName is longer than %d characters", maxDisplayName)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), a.cost)
	if err != nil {
		return nil, parley.Wrap(parley.CodeInternal, err, "hash password")
	}
	u := &parley.User{
		ID: a.newID(), Username: name, DisplayName: displayName, Kind: parley.KindHuman,
		PasswordHash: string(hash), CreatedAt: parley.Millis(a.now()),
	}
	if err := a.users.Create(ctx, u); err != nil {
		if parley.CodeOf(err) == parley.CodeConflict {
			return nil, parley.Errorf(parley.CodeConflict, "username %q is taken", name)
		}
		return nil, err
	}
	if err := a.hub.Welcome(ctx, *u); err != nil {
		return nil, err
	}
	return u, nil
}

// login returns the account whose password matches, or UNAUTHORIZED without
// saying which of the two was wrong.
func (a *accounts) login(ctx context.Context, username, password string) (*parley.User, error) {
	bad := parley.Errorf(parley.CodeUnauthorized, "wrong username or password")
	u, err := a.users.ByUsername(ctx, parley.NormalizeUsername(username))
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
	return u, nil
}

func checkPassword(p string) error {
	switch {
	case len(p) < minPassword:
		return parley.Errorf(parley.CodeBadRequest, "password must be at least %d characters", minPassword)
	case len(p) > maxPassword:
		return parley.Errorf(parley.CodeBadRequest, "password must be at most %d bytes", maxPassword)
	}
	return nil
}
