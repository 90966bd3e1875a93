package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

// A disabled account cannot log in (FORBIDDEN, to whoever knows its
// password), its tokens stop working, a token issued after the
// revocation included; enabled again, it logs in as before.
func TestDisabledAccounts(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, st := clockAccounts(t, &now)
	var slept []time.Duration
	a.SetSleep(func(_ context.Context, d time.Duration) { slept = append(slept, d) })
	u, _ := a.Register(ctx, "alice", "correct-horse", "")
	bob, _ := a.Register(ctx, "bob", "correct-horse", "")
	tokOld, _, _ := a.IssueToken(u.ID)
	tokBob, _, _ := a.IssueToken(bob.ID)

	now = t0.Add(time.Hour)
	got, err := a.SetDisabled(ctx, "Alice", true)
	if err != nil || !got.Disabled || got.ID != u.ID {
		t.Fatalf("SetDisabled = %+v, %v", got, err)
	}
	revs, err := st.Revocations.Since(ctx, t0)
	if err != nil || len(revs) != 1 || revs[0].UserID != u.ID || revs[0].TokenID != "" || !revs[0].At.Equal(now) {
		t.Fatalf("revocations after disabling: %+v, %v; want one user-wide of alice", revs, err)
	}
	_, _, err = a.Authenticate(ctx, tokOld)
	wantCode(t, err, parley.CodeUnauthorized)
	_, err = a.Login(ctx, "alice", "correct-horse")
	wantCode(t, err, parley.CodeForbidden)
	if msg := parley.ErrorMessage(err); msg != "account disabled" {
		t.Errorf("login of a disabled account says %q", msg)
	}
	_, err = a.Login(ctx, "alice", "wrong-horse")
	wantCode(t, err, parley.CodeUnauthorized)
	now = t0.Add(2 * time.Hour)
	tokLater, _, _ := a.IssueToken(u.ID)
	_, _, err = a.Authenticate(ctx, tokLater)
	wantCode(t, err, parley.CodeUnauthorized)
	if _, _, err := a.Authenticate(ctx, tokBob); err != nil {
		t.Errorf("another user's token: %v", err)
	}

	if len(slept) != 0 {
		t.Errorf("disabling waited %v", slept)
	}
	now = now.Add(100 * time.Millisecond)
	if got, err := a.SetDisabled(ctx, "alice", false); err != nil || got.Disabled {
		t.Fatalf("enable: %+v, %v", got, err)
	}
	if len(slept) != 1 || slept[0] != 900*time.Millisecond {
		t.Errorf("enabling waited %v, want [900ms]", slept)
	}
	if _, err := a.Login(ctx, "alice", "correct-horse"); err != nil {
		t.Fatalf("login after enabling: %v", err)
	}
	if _, _, err := a.Authenticate(ctx, tokLater); err != nil {
		t.Errorf("a token issued after the revocation, once enabled: %v", err)
	}
	_, _, err = a.Authenticate(ctx, tokOld)
	wantCode(t, err, parley.CodeUnauthorized)
}

func TestSetAdmin(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, st := clockAccounts(t, &now)
	u, _ := a.Register(ctx, "alice", "correct-horse", "")
	if u.Admin {
		t.Fatal("a new account is an admin")
	}
	if got, err := a.SetAdmin(ctx, "ALICE", true); err != nil || !got.Admin {
		t.Fatalf("SetAdmin = %+v, %v", got, err)
	}
	if got, err := a.Login(ctx, "alice", "correct-horse"); err != nil || !got.Admin {
		t.Fatalf("login of an admin: %+v, %v", got, err)
	}
	if _, err := a.SetAdmin(ctx, "alice", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Users.ByID(ctx, u.ID); got.Admin {
		t.Error("demoted, still an admin")
	}
	_, err := a.SetAdmin(ctx, "ghost", true)
	wantCode(t, err, parley.CodeNotFound)
	if _, err := a.EnsureSystem(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = a.SetAdmin(ctx, accounts.System().Username, true)
	wantCode(t, err, parley.CodeBadRequest)
}

// A reset password obeys the registration policy, replaces the old one and
// ends every session of the account.
func TestResetPassword(t *testing.T) {
	ctx := context.Background()
	now := t0.Add(250 * time.Millisecond)
	a, _ := clockAccounts(t, &now)
	var slept []time.Duration
	a.SetSleep(func(_ context.Context, d time.Duration) { slept = append(slept, d) })
	u, _ := a.Register(ctx, "alice", "correct-horse", "")
	tok, _, _ := a.IssueToken(u.ID)

	wantCode(t, a.ResetPassword(ctx, "alice", "short"), parley.CodeBadRequest)
	wantCode(t, a.ResetPassword(ctx, "ghost", "battery-staple"), parley.CodeNotFound)
	if _, _, err := a.Authenticate(ctx, tok); err != nil {
		t.Fatalf("a refused reset ended the session: %v", err)
	}
	if err := a.ResetPassword(ctx, "alice", "battery-staple"); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != 750*time.Millisecond {
		t.Errorf("ResetPassword waited %v, want [750ms]", slept)
	}
	_, _, err := a.Authenticate(ctx, tok)
	wantCode(t, err, parley.CodeUnauthorized)
	_, err = a.Login(ctx, "alice", "correct-horse")
	wantCode(t, err, parley.CodeUnauthorized)
	if _, err := a.Login(ctx, "alice", "battery-staple"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}
