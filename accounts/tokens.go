package accounts

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/parley-chat/parley"
)

// Tokens issues and verifies the signed bearer tokens of users and services.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens signs with secret (HS256); tokens live for ttl (default 7 days).
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: secret, ttl: ttl, now: now}
}

// Issue returns a token for userID and when it expires.
func (t *Tokens) Issue(userID string) (string, time.Time, error) {
	return t.IssueFor(userID, t.ttl)
}

// IssueFor returns a token for userID that lives for ttl.
func (t *Tokens) IssueFor(userID string, ttl time.Duration) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   userID,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
		Issuer:    "parley",
	})
	s, err := tok.SignedString(t.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return s, exp, nil
}

// Verify returns the user id of a valid, unexpired token, or UNAUTHORIZED.
func (t *Tokens) Verify(token string) (string, error) {
	if token == "" {
		return "", parley.Errorf(parley.CodeUnauthorized, "a token is required")
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer("parley"),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return "", parley.Wrap(parley.CodeUnauthorized, err, "the token has expired")
		}
		return "", parley.Wrap(parley.CodeUnauthorized, err, "the token is not valid")
	}
	if claims.Subject == "" {
		return "", parley.Errorf(parley.CodeUnauthorized, "the token is not valid")
	}
	return claims.Subject, nil
}
