package accounts

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
)

// The operator's side of accounts (`parley user`): who administers the
// server, who may no longer use it, and passwords people have forgotten.
// Each takes a username and acts on people's accounts only (kind human):
// the assistant and services are run by the server or through their
// secrets, never logged into with a password.

// Users lists every account by username.
func (a *Accounts) Users(ctx context.Context) ([]parley.User, error) {
	return a.cfg.UserAdmin.List(ctx)
}

// SetAdmin makes the person named username a server administrator, or a
// plain user again, and returns the account as changed. A server
// administrator's sockets learn it when they next connect; its moderation
// rights are read at each action. NOT_FOUND for an unknown username,
// BAD_REQUEST for an account that is not a person's.
func (a *Accounts) SetAdmin(ctx context.Context, username string, admin bool) (*parley.User, error) {
	u, err := a.person(ctx, username)
	if err != nil {
		return nil, err
	}
	if err := a.cfg.UserAdmin.SetAdmin(ctx, u.ID, admin); err != nil {
		return nil, err
	}
	u.Admin = admin
	return u, nil
}

// SetDisabled disables the person named username, or enables them again,
// and returns the account as changed. Disabling also revokes every token
// of theirs, so their sockets are dropped within seconds on every node;
// enabling lets them log in again (the revoked tokens stay revoked), and
// returns once the current second is over, as ResetPassword does.
// NOT_FOUND for an unknown username, BAD_REQUEST for an account that is
// not a person's.
func (a *Accounts) SetDisabled(ctx context.Context, username string, disabled bool) (*parley.User, error) {
	u, err := a.person(ctx, username)
	if err != nil {
		return nil, err
	}
	// Disabled first: a login racing with this gets refused, or a token
	// the revocation below covers.
	if err := a.cfg.UserAdmin.SetDisabled(ctx, u.ID, disabled); err != nil {
		return nil, err
	}
	u.Disabled = disabled
	if disabled {
		if _, err := a.LogoutEverywhere(ctx, u.ID); err != nil {
			return nil, err
		}
		return u, nil
	}
	// The revocation of a disable made this very second would cover a
	// token issued in it (tokens carry whole seconds): enabling returns
	// when the second is over, so a login right after it works.
	now := a.cfg.Now()
	a.sleep(ctx, now.Truncate(time.Second).Add(time.Second).Sub(now))
	return u, nil
}

// ResetPassword gives the person named username a new password, without
// the current one, and revokes every token of theirs: each session ends
// within seconds on every node. The password must pass the registration
// policy (BAD_REQUEST or TOO_LARGE otherwise) and is hashed at the same
// cost. NOT_FOUND for an unknown username, BAD_REQUEST for an account
// that is not a person's. As ChangePassword does, it returns when the
// second of the revocation is over, so a login right after it works.
func (a *Accounts) ResetPassword(ctx context.Context, username, password string) error {
	u, err := a.person(ctx, username)
	if err != nil {
		return err
	}
	if err := parley.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := a.hash(password)
	if err != nil {
		return err
	}
	if err := a.cfg.People.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	r, err := a.LogoutEverywhere(ctx, u.ID)
	if err != nil {
		return err
	}
	a.sleep(ctx, r.At.Truncate(time.Second).Add(time.Second).Sub(a.cfg.Now()))
	return nil
}

// person loads the person's account named username.
func (a *Accounts) person(ctx context.Context, username string) (*parley.User, error) {
	name := parley.NormalizeUsername(username)
	u, err := a.cfg.Users.ByUsername(ctx, name)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, parley.Errorf(parley.CodeNotFound, "no user named %q", name)
	}
	if err != nil {
		return nil, err
	}
	if u.Kind != parley.KindHuman {
		return nil, parley.Errorf(parley.CodeBadRequest, "%q is a %s account, not a person's", name, u.Kind)
	}
	return u, nil
}
