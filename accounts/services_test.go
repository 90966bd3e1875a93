package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

// serviceSession returns a service token and checks it authenticates.
func serviceSession(t *testing.T, a *accounts.Accounts, appID, secret string) string {
	t.Helper()
	tok, _, _, err := a.ServiceToken(context.Background(), appID, secret)
	if err != nil {
		t.Fatalf("ServiceToken(%s): %v", appID, err)
	}
	if _, _, err := a.Authenticate(context.Background(), tok); err != nil {
		t.Fatalf("a fresh token of %s is refused: %v", appID, err)
	}
	return tok
}

func wantRefused(t *testing.T, a *accounts.Accounts, what, tok string) {
	t.Helper()
	_, _, err := a.Authenticate(context.Background(), tok)
	if parley.CodeOf(err) != parley.CodeUnauthorized {
		t.Errorf("%s: Authenticate = %v, want UNAUTHORIZED", what, err)
	}
}

func TestServicesAsData(t *testing.T) {
	ctx := context.Background()
	now := t0
	a, _ := clockAccounts(t, &now)
	const weather, radio = "weather-secret-0123456789", "radio-secret-0123456789ab"
	if err := a.EnsureServices(ctx, map[string]string{"weather": weather, "radio": radio}); err != nil {
		t.Fatal(err)
	}
	secret, err := a.CreateService(ctx, "Bot-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 43 {
		t.Errorf("generated secret %q has %d characters, want 43 (256 bits)", secret, len(secret))
	}
	weatherTok := serviceSession(t, a, "weather", weather)
	radioTok := serviceSession(t, a, "radio", radio)
	botTok := serviceSession(t, a, "bot-1", secret)

	_, err = a.CreateService(ctx, "bot-1")
	wantCode(t, err, parley.CodeConflict)
	_, err = a.CreateService(ctx, "weather")
	wantCode(t, err, parley.CodeConflict)
	_, err = a.CreateService(ctx, "no spaces!")
	wantCode(t, err, parley.CodeBadRequest)
	if _, err := a.Register(ctx, "alice", "correct-horse", ""); err != nil {
		t.Fatal(err)
	}
	_, err = a.CreateService(ctx, "alice")
	wantCode(t, err, parley.CodeConflict)

	// radio leaves the configuration: revoked with its tokens; the
	// service made from the command line is not the configuration's.
	now = t0.Add(time.Minute)
	if err := a.EnsureServices(ctx, map[string]string{"weather": weather}); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, a, "radio's token after radio left the configuration", radioTok)
	_, _, _, err = a.ServiceToken(ctx, "radio", radio)
	wantCode(t, err, parley.CodeUnauthorized)
	serviceSession(t, a, "bot-1", secret)
	if _, _, err := a.Authenticate(ctx, botTok); err != nil {
		t.Errorf("bot-1's token after radio was revoked: %v", err)
	}
	list, err := a.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id                  string
		configured, revoked bool
	}
	var got []row
	for _, s := range list {
		got = append(got, row{s.AppID, s.Configured, s.Revoked})
	}
	want := []row{{"bot-1", false, false}, {"radio", true, true}, {"weather", true, false}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Services = %+v, want %+v", got, want)
	}

	// Revoking from the command line.
	now = t0.Add(2 * time.Minute)
	if err := a.RevokeService(ctx, "bot-1"); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, a, "bot-1's token after revoke", botTok)
	_, _, _, err = a.ServiceToken(ctx, "bot-1", secret)
	wantCode(t, err, parley.CodeUnauthorized)
	wantCode(t, a.RevokeService(ctx, "ghost"), parley.CodeNotFound)

	// Rotation gives a new secret, reinstates, and the old one is dead.
	now = t0.Add(3 * time.Minute)
	rotated, err := a.RotateService(ctx, "bot-1")
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = a.ServiceToken(ctx, "bot-1", secret)
	wantCode(t, err, parley.CodeUnauthorized)
	now = t0.Add(3*time.Minute + time.Second)
	serviceSession(t, a, "bot-1", rotated)
	_, err = a.RotateService(ctx, "weather")
	wantCode(t, err, parley.CodeForbidden)
	_, err = a.RotateService(ctx, "ghost")
	wantCode(t, err, parley.CodeNotFound)

	// A secret changed in the configuration revokes the old secret's tokens.
	now = t0.Add(4 * time.Minute)
	if err := a.EnsureServices(ctx, map[string]string{"weather": "weather-secret-rotated-99"}); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, a, "weather's token after its configured secret changed", weatherTok)
	// radio back in the configuration with a new secret: reinstated.
	now = t0.Add(5 * time.Minute)
	if err := a.EnsureServices(ctx, map[string]string{"weather": "weather-secret-rotated-99", "radio": "radio-secret-rotated-0123"}); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(5*time.Minute + time.Second)
	serviceSession(t, a, "radio", "radio-secret-rotated-0123")
}
