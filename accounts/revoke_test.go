package accounts_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/sqlite"
)

// clockAccounts is Accounts over a fresh store whose clock the test moves.
func clockAccounts(t *testing.T, now *time.Time) (*accounts.Accounts, *store.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Backend.Close() })
	a := accounts.New(accounts.Config{
		Users: st.Users, People: st.People, UserAdmin: st.UserAdmin, Services: st.Services, Revocations: st.Revocations, Welcomer: &welcomed{}, Secret: secret,
		TokenTTL: 24 * time.Hour, BcryptCost: bcrypt.MinCost, Now: func() time.Time { return *now },
	})
	return a, st
}

func TestLogoutRevokesThatTokenOnly(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, _ := clockAccounts(t, &now)
	u, err := a.Register(ctx, "alice", "correct-horse", "")
	if err != nil {
		t.Fatal(err)
	}
	tokA, _, _ := a.IssueToken(u.ID)
	tokB, _, _ := a.IssueToken(u.ID)
	_, claims, err := a.Authenticate(ctx, tokA)
	if err != nil {
		t.Fatal(err)
	}
	now = t0.Add(time.Minute)
	r, err := a.Logout(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Revocation{UserID: u.ID, TokenID: claims.TokenID, At: now, Expires: t0.Add(24 * time.Hour)}
	if r != want {
		t.Errorf("Logout revoked %+v, want %+v", r, want)
	}
	_, _, err = a.Authenticate(ctx, tokA)
	wantCode(t, err, parley.CodeUnauthorized)
	if parley.ErrorMessage(err) != "the token has been revoked" {
		t.Errorf("a logged-out token is refused with %q", parley.ErrorMessage(err))
	}
	if _, _, err := a.Authenticate(ctx, tokB); err != nil {
		t.Errorf("logging out one token refused another: %v", err)
	}
	since, err := a.RevokedSince(ctx, now)
	if err != nil || len(since) != 1 || since[0] != want {
		t.Errorf("RevokedSince = %+v, %v; want [%+v]", since, err, want)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, _ := clockAccounts(t, &now)
	u, _ := a.Register(ctx, "alice", "correct-horse", "")
	bob, _ := a.Register(ctx, "bob", "correct-horse", "")
	tokA, _, _ := a.IssueToken(u.ID)
	now = t0.Add(time.Hour)
	tokB, claimsB, _ := a.IssueToken(u.ID)
	tokBob, _, _ := a.IssueToken(bob.ID)
	now = t0.Add(time.Hour + 500*time.Millisecond)
	r, err := a.LogoutEverywhere(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The longest-lived token issued before now expires a day later.
	if want := (store.Revocation{UserID: u.ID, At: now, Expires: now.Add(24 * time.Hour)}); r != want {
		t.Errorf("LogoutEverywhere revoked %+v, want %+v", r, want)
	}
	for name, tok := range map[string]string{"older token": tokA, "token of the same second": tokB} {
		if _, _, err := a.Authenticate(ctx, tok); parley.CodeOf(err) != parley.CodeUnauthorized {
			t.Errorf("%s after logout everywhere: %v, want UNAUTHORIZED", name, err)
		}
	}
	if !claimsB.RevokedBy(r) {
		t.Error("the claims of a revoked token are not covered by the revocation")
	}
	if _, _, err := a.Authenticate(ctx, tokBob); err != nil {
		t.Errorf("another user's token was revoked: %v", err)
	}
	now = t0.Add(time.Hour + 2*time.Second)
	tokC, claimsC, _ := a.IssueToken(u.ID)
	if _, _, err := a.Authenticate(ctx, tokC); err != nil || claimsC.RevokedBy(r) {
		t.Errorf("a token issued after logging out everywhere: %v (covered: %v)", err, claimsC.RevokedBy(r))
	}

	// Once every token it covers has expired, the record goes.
	now = r.Expires.Add(time.Minute - time.Millisecond)
	if n, err := a.PurgeRevocations(ctx); err != nil || n != 0 {
		t.Errorf("PurgeRevocations a minute early deleted %d (%v)", n, err)
	}
	now = r.Expires.Add(time.Minute + time.Millisecond)
	if n, err := a.PurgeRevocations(ctx); err != nil || n != 1 {
		t.Errorf("PurgeRevocations after expiry deleted %d (%v), want 1", n, err)
	}
}
