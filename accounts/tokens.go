package accounts

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Tokens issues and verifies the signed bearer tokens of users and services.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	newID  func() string
}

// Claims is what a verified token says.
type Claims struct {
	UserID string
	// TokenID (the JWT's jti) names the token, so that a logout can revoke
	// it alone.
	TokenID string
	// IssuedAt has the JWT's precision: whole seconds.
	IssuedAt time.Time
	Expires  time.Time
}

// RevokedBy reports whether r covers the token: it names the token, or it
// revokes every token of its user issued up to r.At and does not spare
// this one. A token issued in the same second as a user-wide revocation
// counts as revoked, since its issue time is known to the second only.
func (c Claims) RevokedBy(r store.Revocation) bool {
	if r.UserID != c.UserID {
		return false
	}
	if r.TokenID != "" {
		return r.TokenID == c.TokenID
	}
	if r.ExceptTokenID != "" && r.ExceptTokenID == c.TokenID {
		return false
	}
	return !c.IssuedAt.After(r.At)
}

// NewTokens signs with secret (HS256); tokens live for ttl (default 7 days).
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: secret, ttl: ttl, now: now, newID: parley.NewID}
}

// TTL is the lifetime of the tokens Issue makes.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue returns a token for userID and what it says.
func (t *Tokens) Issue(userID string) (string, Claims, error) {
	return t.IssueFor(userID, t.ttl)
}

// IssueFor returns a token for userID that lives for ttl.
func (t *Tokens) IssueFor(userID string, ttl time.Duration) (string, Claims, error) {
	now := t.now()
	iat, exp := jwt.NewNumericDate(now), jwt.NewNumericDate(now.Add(ttl))
	c := jwt.RegisteredClaims{
		ID:        t.newID(),
		Subject:   userID,
		IssuedAt:  iat,
		ExpiresAt: exp,
		Issuer:    "parley",
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", Claims{}, fmt.Errorf("sign token: %w", err)
	}
	return s, Claims{UserID: userID, TokenID: c.ID, IssuedAt: iat.UTC(), Expires: exp.UTC()}, nil
}

// Verify returns the claims of a valid, unexpired token, or UNAUTHORIZED.
// A token without an id (jti) or issue time cannot be revoked, so it is not
// accepted either.
func (t *Tokens) Verify(token string) (Claims, error) {
	if token == "" {
		return Claims{}, parley.Errorf(parley.CodeUnauthorized, "a token is required")
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
			return Claims{}, parley.Wrap(parley.CodeUnauthorized, err, "the token has expired")
		}
		return Claims{}, parley.Wrap(parley.CodeUnauthorized, err, "the token is not valid")
	}
	if claims.Subject == "" || claims.ID == "" || claims.IssuedAt == nil {
		return Claims{}, parley.Errorf(parley.CodeUnauthorized, "the token is not valid")
	}
	return Claims{UserID: claims.Subject, TokenID: claims.ID, IssuedAt: claims.IssuedAt.UTC(), Expires: claims.ExpiresAt.UTC()}, nil
}
