package accounts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

var t0 = time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)

func wantUnauthorized(t *testing.T, err error, msgPart string) {
	t.Helper()
	if parley.CodeOf(err) != parley.CodeUnauthorized {
		t.Fatalf("err = %v, want UNAUTHORIZED", err)
	}
	if msgPart != "" && !strings.Contains(parley.ErrorMessage(err), msgPart) {
		t.Errorf("message %q does not mention %q", parley.ErrorMessage(err), msgPart)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	tok := accounts.NewTokens(secret, time.Hour, fixedNow(t0))
	s, issued, err := tok.Issue("user-1")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if !issued.Expires.Equal(t0.Add(time.Hour)) || !issued.IssuedAt.Equal(t0) || issued.UserID != "user-1" || issued.TokenID == "" {
		t.Errorf("issued %+v, want user-1 from %v to %v with an id", issued, t0, t0.Add(time.Hour))
	}
	c, err := tok.Verify(s)
	if err != nil || c != issued {
		t.Fatalf("Verify = %+v, %v; want %+v", c, err, issued)
	}
	// Another Tokens with the same secret (another node) accepts it too.
	if c, err := accounts.NewTokens(secret, time.Minute, fixedNow(t0.Add(30*time.Minute))).Verify(s); err != nil || c != issued {
		t.Errorf("Verify on another node = %+v, %v", c, err)
	}
	// Every token has an id of its own: a logout revokes one of them.
	_, again, err := tok.Issue("user-1")
	if err != nil || again.TokenID == issued.TokenID {
		t.Errorf("two tokens share the id %q (%v)", again.TokenID, err)
	}
}

func TestTokenDefaultTTL(t *testing.T) {
	_, c, err := accounts.NewTokens(secret, 0, fixedNow(t0)).Issue("u")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(7 * 24 * time.Hour); !c.Expires.Equal(want) {
		t.Errorf("default expiry %v, want %v", c.Expires, want)
	}
}

func TestTokenExpired(t *testing.T) {
	now := t0
	tok := accounts.NewTokens(secret, time.Hour, func() time.Time { return now })
	s, _, err := tok.Issue("user-1")
	if err != nil {
		t.Fatal(err)
	}
	now = t0.Add(59 * time.Minute)
	if _, err := tok.Verify(s); err != nil {
		t.Fatalf("token refused before it expired: %v", err)
	}
	now = t0.Add(time.Hour + time.Second)
	_, err = tok.Verify(s)
	wantUnauthorized(t, err, "expired")
}

func TestTokenWrongSecret(t *testing.T) {
	s, _, err := accounts.NewTokens([]byte("another secret, another server!!"), time.Hour, fixedNow(t0)).Issue("user-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = accounts.NewTokens(secret, time.Hour, fixedNow(t0)).Verify(s)
	wantUnauthorized(t, err, "")
}

func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenForgeriesRefused(t *testing.T) {
	tok := accounts.NewTokens(secret, time.Hour, fixedNow(t0))
	claims := jwt.RegisteredClaims{
		ID:        "token-1",
		Subject:   "admin",
		Issuer:    "parley",
		IssuedAt:  jwt.NewNumericDate(t0),
		ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour)),
	}
	noExp := claims
	noExp.ExpiresAt = nil
	otherIssuer := claims
	otherIssuer.Issuer = "evil"
	noSubject := claims
	noSubject.Subject = ""
	noID := claims
	noID.ID = ""
	noIssued := claims
	noIssued.IssuedAt = nil

	valid := sign(t, jwt.SigningMethodHS256, secret, claims)
	if _, err := tok.Verify(valid); err != nil {
		t.Fatalf("a well-formed token was refused: %v", err)
	}
	parts := strings.Split(valid, ".")

	for name, s := range map[string]string{
		"alg none":                   sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims),
		"HS512 with the same secret": sign(t, jwt.SigningMethodHS512, secret, claims),
		"HS384 with another secret":  sign(t, jwt.SigningMethodHS384, []byte("x"), claims),
		"no expiry":                  sign(t, jwt.SigningMethodHS256, secret, noExp),
		"other issuer":               sign(t, jwt.SigningMethodHS256, secret, otherIssuer),
		"no subject":                 sign(t, jwt.SigningMethodHS256, secret, noSubject),
		"no token id (unrevocable)":  sign(t, jwt.SigningMethodHS256, secret, noID),
		"no issue time":              sign(t, jwt.SigningMethodHS256, secret, noIssued),
		"signature stripped":         parts[0] + "." + parts[1] + ".",
		"garbage":                    "not.a.token",
		"one segment":                "abc",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := tok.Verify(s)
			if err == nil {
				t.Fatalf("accepted as %+v", c)
			}
			wantUnauthorized(t, err, "")
		})
	}
}

func TestTokenEmpty(t *testing.T) {
	_, err := accounts.NewTokens(secret, time.Hour, nil).Verify("")
	wantUnauthorized(t, err, "required")
}
