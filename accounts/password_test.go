package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, _ := clockAccounts(t, &now)
	var slept []time.Duration
	a.SetSleep(func(_ context.Context, d time.Duration) { slept = append(slept, d) })
	u, err := a.Register(ctx, "alice", "correct-horse", "")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := a.Register(ctx, "bob", "correct-horse", "")
	tokOther, _, _ := a.IssueToken(u.ID)
	tokBob, _, _ := a.IssueToken(bob.ID)
	now = t0.Add(time.Hour)
	tokMine, mine, _ := a.IssueToken(u.ID)

	now = t0.Add(time.Hour + 250*time.Millisecond)
	r, err := a.ChangePassword(ctx, mine, "correct-horse", "battery-staple")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Revocation{UserID: u.ID, ExceptTokenID: mine.TokenID, At: now, Expires: now.Add(24 * time.Hour)}
	if r != want {
		t.Errorf("ChangePassword revoked %+v, want %+v", r, want)
	}
	// It waits out the rest of the second, so a token issued after it is
	// newer than the revocation.
	if len(slept) != 1 || slept[0] != 750*time.Millisecond {
		t.Errorf("ChangePassword waited %v, want [750ms]", slept)
	}
	if _, _, err := a.Authenticate(ctx, tokMine); err != nil {
		t.Errorf("the token that changed the password was revoked: %v", err)
	}
	if mine.RevokedBy(r) {
		t.Error("the revocation covers the token that made it")
	}
	_, _, err = a.Authenticate(ctx, tokOther)
	wantCode(t, err, parley.CodeUnauthorized)
	if _, _, err := a.Authenticate(ctx, tokBob); err != nil {
		t.Errorf("another user's token was revoked: %v", err)
	}

	if _, err := a.Login(ctx, "alice", "correct-horse"); parley.CodeOf(err) != parley.CodeUnauthorized {
		t.Errorf("login with the old password: %v, want UNAUTHORIZED", err)
	}
	if _, err := a.Login(ctx, "alice", "battery-staple"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	now = t0.Add(time.Hour + time.Second)
	tokNew, _, _ := a.IssueToken(u.ID)
	if _, _, err := a.Authenticate(ctx, tokNew); err != nil {
		t.Errorf("a token issued after the change: %v", err)
	}
}

func TestChangePasswordRefused(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, _ := clockAccounts(t, &now)
	a.SetSleep(func(context.Context, time.Duration) { t.Error("a refused change waited") })
	u, _ := a.Register(ctx, "alice", "correct-horse", "")
	tokOther, _, _ := a.IssueToken(u.ID)
	_, mine, _ := a.IssueToken(u.ID)
	for _, tc := range []struct {
		name, current, password string
		code                    parley.Code
		message                 string
	}{
		{"wrong current password", "wrong-horse", "battery-staple", parley.CodeUnauthorized, "the current password is wrong"},
		{"no current password", "", "battery-staple", parley.CodeUnauthorized, "the current password is wrong"},
		{"short new password", "correct-horse", "short", parley.CodeBadRequest, ""},
		{"empty new password", "correct-horse", "", parley.CodeBadRequest, ""},
	} {
		_, err := a.ChangePassword(ctx, mine, tc.current, tc.password)
		wantCode(t, err, tc.code)
		if tc.message != "" && parley.ErrorMessage(err) != tc.message {
			t.Errorf("%s: message %q, want %q", tc.name, parley.ErrorMessage(err), tc.message)
		}
	}
	if _, err := a.Login(ctx, "alice", "correct-horse"); err != nil {
		t.Errorf("a refused change changed the password: %v", err)
	}
	if _, _, err := a.Authenticate(ctx, tokOther); err != nil {
		t.Errorf("a refused change revoked the other token: %v", err)
	}
}
