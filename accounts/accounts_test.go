package accounts_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/store/sqlite"
)

// welcomed records who was brought into the default room.
type welcomed []string

func (w *welcomed) Welcome(_ context.Context, u parley.User) error {
	*w = append(*w, u.Username)
	return nil
}

func newAccounts(t *testing.T, reserved ...string) (*accounts.Accounts, *welcomed) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Backend.Close() })
	w := &welcomed{}
	a := accounts.New(accounts.Config{
		Users: st.Users, Services: st.Services, Revocations: st.Revocations, Welcomer: w, Secret: secret,
		TokenTTL: time.Hour, BcryptCost: bcrypt.MinCost, Reserved: reserved,
	})
	return a, w
}

func wantCode(t *testing.T, err error, want parley.Code) {
	t.Helper()
	if got := parley.CodeOf(err); got != want {
		t.Fatalf("err = %v, code %q, want %q", err, got, want)
	}
}

func TestRegisterLoginAuthenticate(t *testing.T) {
	ctx := context.Background()
	a, w := newAccounts(t, "assistant")
	u, err := a.Register(ctx, "  Alice ", "correct-horse", "")
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "alice" || u.DisplayName != "alice" || u.Kind != parley.KindHuman || u.PasswordHash == "" {
		t.Errorf("registered %+v", u)
	}
	if len(*w) != 1 || (*w)[0] != "alice" {
		t.Errorf("welcomed %v, want [alice]", *w)
	}
	_, err = a.Register(ctx, "ALICE", "correct-horse", "")
	wantCode(t, err, parley.CodeConflict)
	for _, name := range []string{"assistant", "parley", "admin", "system"} {
		_, err = a.Register(ctx, name, "correct-horse", "")
		wantCode(t, err, parley.CodeConflict)
	}
	_, err = a.Register(ctx, "bob", "short", "")
	wantCode(t, err, parley.CodeBadRequest)
	_, err = a.Register(ctx, "b o b", "correct-horse", "")
	wantCode(t, err, parley.CodeBadRequest)

	got, err := a.Login(ctx, "Alice", "correct-horse")
	if err != nil || got.ID != u.ID {
		t.Fatalf("Login = %+v, %v", got, err)
	}
	_, err = a.Login(ctx, "alice", "wrong-horse")
	wantCode(t, err, parley.CodeUnauthorized)
	_, errUnknown := a.Login(ctx, "nobody", "wrong-horse")
	wantCode(t, errUnknown, parley.CodeUnauthorized)
	if parley.ErrorMessage(err) != parley.ErrorMessage(errUnknown) {
		t.Errorf("a wrong password says %q, an unknown user %q: that tells which names exist", parley.ErrorMessage(err), parley.ErrorMessage(errUnknown))
	}

	tok, _, err := a.IssueToken(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if me, _, err := a.Authenticate(ctx, tok); err != nil || me.ID != u.ID {
		t.Fatalf("Authenticate = %+v, %v", me, err)
	}
	ghost, _, _ := a.IssueToken("deleted-user")
	_, _, err = a.Authenticate(ctx, ghost)
	wantCode(t, err, parley.CodeUnauthorized)
}

func TestEnsureAccountKeepsKinds(t *testing.T) {
	ctx := context.Background()
	a, _ := newAccounts(t)
	bot, err := a.EnsureAccount(ctx, "assistant", "Assistant", parley.KindBot)
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.EnsureAccount(ctx, "assistant", "Assistant", parley.KindBot)
	if err != nil || again.ID != bot.ID {
		t.Fatalf("second EnsureAccount = %+v, %v; want the same account", again, err)
	}
	if _, err := a.Register(ctx, "carol", "correct-horse", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EnsureAccount(ctx, "carol", "Carol", parley.KindBot); err == nil {
		t.Error("a person's name was taken for a bot")
	}
	if _, err := a.Login(ctx, "assistant", ""); parley.CodeOf(err) != parley.CodeUnauthorized {
		t.Errorf("the bot logged in with no password: %v", err)
	}
}

func TestServiceTokensFollowTheConfiguration(t *testing.T) {
	ctx := context.Background()
	a, _ := newAccounts(t)
	const secret1, secret2 = "weather-secret-0123456789", "weather-secret-rotated-99"
	if err := a.EnsureServices(ctx, map[string]string{"weather": secret1}); err != nil {
		t.Fatal(err)
	}
	if _, _, ttl, err := a.ServiceToken(ctx, "weather", secret1); err != nil || ttl != time.Hour {
		t.Fatalf("ServiceToken = ttl %v, %v", ttl, err)
	}
	_, _, _, err := a.ServiceToken(ctx, "weather", secret2)
	wantCode(t, err, parley.CodeUnauthorized)
	_, _, _, err = a.ServiceToken(ctx, "nosuch", secret1)
	wantCode(t, err, parley.CodeUnauthorized)
	_, _, _, err = a.ServiceToken(ctx, "weather", "")
	wantCode(t, err, parley.CodeBadRequest)

	// Rotation: the new secret works, the old one no longer does.
	if err := a.EnsureServices(ctx, map[string]string{"weather": secret2}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := a.ServiceToken(ctx, "weather", secret2); err != nil {
		t.Fatalf("rotated secret refused: %v", err)
	}
	_, _, _, err = a.ServiceToken(ctx, "weather", secret1)
	wantCode(t, err, parley.CodeUnauthorized)

	// Removed from the configuration: no more tokens.
	if err := a.EnsureServices(ctx, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = a.ServiceToken(ctx, "weather", secret2)
	wantCode(t, err, parley.CodeUnauthorized)

	if err := a.EnsureServices(ctx, map[string]string{"Not A Name": secret1}); err == nil {
		t.Error("an app id that is no username was accepted")
	}
}
