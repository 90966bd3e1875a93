package files_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/protocol"
)

var secret = []byte("0123456789abcdef0123456789abcdef-signer-test")

// clock is a settable time for a Signer.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSigner(t *testing.T, at string) (*files.Signer, *clock) {
	t.Helper()
	s, err := files.NewSigner(secret, 4*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: mustTime(t, at)}
	s.Now = c.now
	return s, c
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// query splits a signed URL into its path, exp and sig.
func query(t *testing.T, raw string) (path, exp, sig string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if len(q) != 2 {
		t.Fatalf("%s: want exactly exp and sig, got %v", raw, q)
	}
	return u.Path, q.Get("exp"), q.Get("sig")
}

func TestExpiryIsTheNextWholeHourAfterTheTTL(t *testing.T) {
	s, c := newSigner(t, "2026-12-03T10:00:01Z")
	want := mustTime(t, "2026-12-03T15:00:00Z").Unix()
	first := s.URL("f1", files.Original)
	for _, at := range []string{"2026-12-03T10:00:01Z", "2026-12-03T10:30:00Z", "2026-12-03T11:00:00Z"} {
		c.t = mustTime(t, at)
		if got := s.Expiry().Unix(); got != want {
			t.Errorf("at %s: expiry %v, want %v", at, time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
		}
		if got := s.URL("f1", files.Original); got != first {
			t.Errorf("at %s the URL changed within the hour: %s, was %s", at, got, first)
		}
	}
	c.t = mustTime(t, "2026-12-03T11:00:01Z")
	if s.URL("f1", files.Original) == first {
		t.Error("the URL is the same in the next hour")
	}
}

func TestSignedURLsCheck(t *testing.T) {
	s, c := newSigner(t, "2026-12-03T10:20:00Z")
	path, exp, sig := query(t, s.URL("f1", files.Original))
	if path != "/api/files/f1" {
		t.Fatalf("path %q", path)
	}
	at, err := s.Check("f1", files.Original, exp, sig)
	if err != nil {
		t.Fatalf("a fresh URL: %v", err)
	}
	if want := mustTime(t, "2026-12-03T15:00:00Z"); !at.Equal(want) {
		t.Errorf("Check's expiry %v, want %v", at, want)
	}
	thumbPath, thumbExp, thumbSig := query(t, s.URL("f1", files.Thumb))
	if thumbPath != "/api/files/f1/thumb" {
		t.Fatalf("thumb path %q", thumbPath)
	}
	if _, err := s.Check("f1", files.Thumb, thumbExp, thumbSig); err != nil {
		t.Fatalf("a fresh thumb URL: %v", err)
	}
	other, err := files.NewSigner([]byte("another cluster's secret, 32 bytes or more"), 4*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other.Now = c.now
	_, _, otherSig := query(t, other.URL("f1", files.Original))
	tampered := []byte(sig)
	tampered[3] ^= 1
	later, _ := time.Parse(time.RFC3339, "2026-12-03T16:00:00Z")

	for _, tc := range []struct {
		name          string
		id            string
		v             files.Variant
		exp, sig, msg string
	}{
		{"no signature", "f1", files.Original, "", "", "not signed"},
		{"no exp", "f1", files.Original, "", sig, "not signed"},
		{"malformed exp", "f1", files.Original, "soon", sig, "malformed"},
		{"tampered signature", "f1", files.Original, exp, string(tampered), "not valid"},
		{"signature not base64", "f1", files.Original, exp, "%%%", "not valid"},
		{"later expiry", "f1", files.Original, "1796317200", sig, "not valid"},
		{"another file", "f2", files.Original, exp, sig, "not valid"},
		{"the thumb's signature for the original", "f1", files.Original, thumbExp, thumbSig, "not valid"},
		{"the original's signature for the thumb", "f1", files.Thumb, exp, sig, "not valid"},
		{"another secret", "f1", files.Original, exp, otherSig, "not valid"},
	} {
		_, err := s.Check(tc.id, tc.v, tc.exp, tc.sig)
		if parley.CodeOf(err) != parley.CodeForbidden || !strings.Contains(parley.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: got %v, want FORBIDDEN %q", tc.name, err, tc.msg)
		}
	}

	c.t = mustTime(t, "2026-12-03T14:59:59Z")
	if _, err := s.Check("f1", files.Original, exp, sig); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	c.t = later.Add(-time.Hour) // 15:00, the expiry
	if _, err := s.Check("f1", files.Original, exp, sig); parley.CodeOf(err) != parley.CodeForbidden || !strings.Contains(parley.ErrorMessage(err), "expired") {
		t.Errorf("at the expiry: got %v, want FORBIDDEN expired", err)
	}
}

func TestFileOf(t *testing.T) {
	s, _ := newSigner(t, "2026-12-03T10:20:00Z")
	f := parley.File{ID: "f1", RoomID: "r1", UploaderID: "u1", Name: "cat.png", Size: 120, ContentType: "image/png", Width: 640, Height: 480, HasThumb: true}
	want := protocol.File{ID: "f1", Room: "r1", Name: "cat.png", Size: 120, ContentType: "image/png", Width: 640, Height: 480,
		URL: s.URL("f1", files.Original), ThumbURL: s.URL("f1", files.Thumb)}
	if got := s.FileOf(f); got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	f.HasThumb, f.Width, f.Height, f.ContentType = false, 0, 0, "application/pdf"
	want.ThumbURL, want.Width, want.Height, want.ContentType = "", 0, 0, "application/pdf"
	if got := s.FileOf(f); got != want {
		t.Errorf("without a thumb: got %+v\nwant %+v", got, want)
	}
}
