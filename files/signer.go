package files

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// Variant is which bytes of a file a URL names.
type Variant string

// The variants of a file.
const (
	Original Variant = "original"
	Thumb    Variant = "thumb"
)

// DefaultTTL is how long a signed URL lasts at least (PARLEY_FILE_URL_TTL).
const DefaultTTL = 4 * time.Hour

// keyInfo separates the URL key from every other use of the node secret:
// a URL signature can never be replayed as a token signature, or the
// reverse.
const keyInfo = "parley signed file urls v1"

// Signer signs and checks file URLs. Every node of a cluster derives the
// same key from the shared token secret, so a URL one node signed works on
// any node.
type Signer struct {
	key []byte
	ttl time.Duration
	// Now is the clock (time.Now); tests set it.
	Now func() time.Time
}

// NewSigner derives the URL key from the node secret (PARLEY_JWT_SECRET).
// URLs last at least ttl (DefaultTTL when not positive).
func NewSigner(secret []byte, ttl time.Duration) (*Signer, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("signed file urls: empty secret")
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	key, err := hkdf.Key(sha256.New, secret, nil, keyInfo, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("signed file urls: derive key: %w", err)
	}
	return &Signer{key: key, ttl: ttl, Now: time.Now}, nil
}

// Expiry is when URLs signed now expire: now plus the TTL, rounded up to
// the next whole hour. Every URL of a file signed within the same hour is
// then the same string, so a browser's cache keeps serving it.
func (s *Signer) Expiry() time.Time {
	t := s.Now().Add(s.ttl)
	exp := t.Truncate(time.Hour)
	if exp.Before(t) {
		exp = exp.Add(time.Hour)
	}
	return exp
}

// Path is the path of a variant of a file, without its signature.
func Path(fileID string, v Variant) string {
	p := "/api/files/" + url.PathEscape(fileID)
	if v == Thumb {
		p += "/thumb"
	}
	return p
}

// URL is the signed URL of a variant of a file, relative to the server's
// origin.
func (s *Signer) URL(fileID string, v Variant) string {
	exp := s.Expiry().Unix()
	return Path(fileID, v) + "?exp=" + strconv.FormatInt(exp, 10) + "&sig=" + s.sign(fileID, v, exp)
}

// Check verifies the exp and sig query values of a request for a variant
// of a file: FORBIDDEN when either is missing or malformed, the signature
// is not this cluster's for exactly that file and variant and expiry, or
// the expiry has passed. On success it returns the expiry.
func (s *Signer) Check(fileID string, v Variant, exp, sig string) (time.Time, error) {
	if exp == "" || sig == "" {
		return time.Time{}, parley.Errorf(parley.CodeForbidden, "this file link is not signed")
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return time.Time{}, parley.Errorf(parley.CodeForbidden, "this file link is malformed")
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(fileID, v, unix)) {
		return time.Time{}, parley.Errorf(parley.CodeForbidden, "this file link's signature is not valid")
	}
	at := time.Unix(unix, 0)
	if !s.Now().Before(at) {
		return time.Time{}, parley.Errorf(parley.CodeForbidden, "this file link has expired; reload the conversation for a fresh one")
	}
	return at, nil
}

func (s *Signer) sign(fileID string, v Variant, exp int64) string {
	return base64.RawURLEncoding.EncodeToString(s.mac(fileID, v, exp))
}

// mac covers the id, the variant and the expiry, each length-delimited
// so that no two different triples read as the same bytes.
func (s *Signer) mac(fileID string, v Variant, exp int64) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, part := range []string{fileID, string(v), strconv.FormatInt(exp, 10)} {
		m.Write([]byte(strconv.Itoa(len(part))))
		m.Write([]byte{':'})
		m.Write([]byte(part))
	}
	return m.Sum(nil)
}

// FileOf is the wire shape of f with freshly signed URLs.
func (s *Signer) FileOf(f parley.File) protocol.File {
	out := protocol.File{
		ID: f.ID, Room: f.RoomID, Name: f.Name, Size: f.Size, ContentType: f.ContentType,
		Width: f.Width, Height: f.Height, URL: s.URL(f.ID, Original),
	}
	if f.HasThumb {
		out.ThumbURL = s.URL(f.ID, Thumb)
	}
	return out
}
