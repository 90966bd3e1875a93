package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server"
)

// multipartBody is a multipart/form-data body with one file field; the
// part claims contentType, which the server must not believe.
func multipartBody(t *testing.T, field, name, contentType string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	// RFC 2231 form, the only one that can carry any byte to the server.
	var enc strings.Builder
	for _, b := range []byte(name) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename*=UTF-8''%s`, field, enc.String()))
	h.Set("Content-Type", contentType)
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	p.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// upload posts data as the field "file"; streamed sends it without a
// Content-Length, as a client that streams does.
func (s *testServer) upload(token, roomID, name, claimed string, data []byte, streamed bool) response {
	s.t.Helper()
	ct, body := multipartBody(s.t, "file", name, claimed, data)
	var r io.Reader = bytes.NewReader(body)
	if streamed {
		r = io.MultiReader(r) // hides the length
	}
	req := httptest.NewRequest("POST", "/api/rooms/"+roomID+"/files", r)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	return s.serve(req)
}

func (s *testServer) serve(req *http.Request) response {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	out := response{Status: rec.Code, Raw: rec.Body.String(), Header: rec.Header()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &out.Body); err != nil {
			s.t.Fatalf("response is not a JSON object: %v: %s", err, out.Raw)
		}
	}
	return out
}

// fetch GETs a file URL with optional headers, without a bearer token.
func (s *testServer) fetch(url string, header ...string) response {
	s.t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.serve(req)
}

// uploaded decodes a 201 answer strictly.
func uploaded(t *testing.T, res response) protocol.File {
	t.Helper()
	if res.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.Status, res.Raw)
	}
	var body struct{ File protocol.File }
	dec := json.NewDecoder(strings.NewReader(res.Raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("upload answer %s: %v", res.Raw, err)
	}
	return body.File
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileHeaders are the headers every served file carries, whatever it is.
func checkServedHeaders(t *testing.T, res response, contentType, disposition string) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Type":            contentType,
		"Content-Disposition":     disposition,
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

func TestUploadImageServedInlineWithThumb(t *testing.T) {
	s := newTestServer(t)
	s.signer.Now = func() time.Time { return time.Date(2026, 12, 3, 10, 20, 0, 0, time.UTC) }
	tok := s.register("alice", "password1")
	data := pngImage(t, 640, 480)
	// The client says text/plain; the bytes say PNG.
	f := uploaded(t, s.upload(tok, parley.DefaultRoomID, "holiday.png", "text/plain", data, false))
	want := protocol.File{
		ID: f.ID, Room: parley.DefaultRoomID, Name: "holiday.png", Size: int64(len(data)), ContentType: "image/png",
		Width: 640, Height: 480, URL: s.signer.URL(f.ID, files.Original), ThumbURL: s.signer.URL(f.ID, files.Thumb),
	}
	if f != want || f.ID == "" {
		t.Fatalf("file %+v\nwant %+v", f, want)
	}

	res := s.fetch(f.URL)
	if res.Status != http.StatusOK || res.Raw != string(data) {
		t.Fatalf("GET url: %d, %d bytes", res.Status, len(res.Raw))
	}
	checkServedHeaders(t, res, "image/png", "inline; filename*=UTF-8''holiday.png")
	// 10:20 signs until 12:00 with a one-hour TTL: 100 minutes left.
	if got := res.Header.Get("Cache-Control"); got != "private, max-age=6000" {
		t.Errorf("Cache-Control %q", got)
	}
	if res.Header.Get("ETag") == "" || res.Header.Get("Last-Modified") == "" {
		t.Errorf("no validators: %v", res.Header)
	}
	if again := s.fetch(f.URL, "If-None-Match", res.Header.Get("ETag")); again.Status != http.StatusNotModified {
		t.Errorf("revalidation: %d", again.Status)
	}

	part := s.fetch(f.URL, "Range", "bytes=8-23")
	if part.Status != http.StatusPartialContent || part.Raw != string(data[8:24]) ||
		part.Header.Get("Content-Range") != fmt.Sprintf("bytes 8-23/%d", len(data)) {
		t.Errorf("range: %d %q %q", part.Status, part.Header.Get("Content-Range"), part.Raw)
	}

	thumb := s.fetch(f.ThumbURL)
	if thumb.Status != http.StatusOK {
		t.Fatalf("GET thumbUrl: %d %s", thumb.Status, thumb.Raw)
	}
	checkServedHeaders(t, thumb, "image/jpeg", "inline; filename*=UTF-8''holiday.png")
	img, err := jpeg.Decode(strings.NewReader(thumb.Raw))
	if err != nil {
		t.Fatalf("thumbnail: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
		t.Errorf("thumbnail is %v, want 320×240", b)
	}
}

func TestUploadScriptableTypesAreDownloads(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	for _, tc := range []struct {
		name, claimed, data, sniffed, disposition string
	}{
		{"page.html", "image/png", "<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html; charset=utf-8", "attachment; filename*=UTF-8''page.html"},
		{"logo.svg", "image/svg+xml", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "text/xml; charset=utf-8", "attachment; filename*=UTF-8''logo.svg"},
		{"naïve \"résumé\"; x.pdf", "application/pdf", "%PDF-1.4 not really", "application/pdf", "attachment; filename*=UTF-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22%3B%20x.pdf"},
	} {
		f := uploaded(t, s.upload(tok, parley.DefaultRoomID, tc.name, tc.claimed, []byte(tc.data), false))
		if f.ContentType != tc.sniffed || f.Name != tc.name || f.ThumbURL != "" || f.Width != 0 {
			t.Errorf("%s: %+v, want type %q and no preview", tc.name, f, tc.sniffed)
		}
		res := s.fetch(f.URL)
		if res.Status != http.StatusOK || res.Raw != tc.data {
			t.Errorf("%s: %d %q", tc.name, res.Status, res.Raw)
		}
		checkServedHeaders(t, res, tc.sniffed, tc.disposition)
		if thumb := s.fetch(s.signer.URL(f.ID, files.Thumb)); thumb.Status != http.StatusNotFound {
			t.Errorf("%s: a signed thumb URL of a file without one: %d", tc.name, thumb.Status)
		}
	}
}

func TestUploadNamesAreCleaned(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	long := strings.Repeat("é", 200) // 400 bytes
	for name, want := range map[string]string{
		`..\..\windows\evil.txt`:   "evil.txt",
		"../../etc/pass\x01wd\x7f": "passwd",
		"evil\u202Etxt.exe":        "eviltxt.exe",
		"   ":                      "file",
		"..":                       "file",
		long:                       strings.Repeat("é", 127),
		"report\t.pdf":             "report.pdf",
		"ok name (1).txt":          "ok name (1).txt",
	} {
		f := uploaded(t, s.upload(tok, parley.DefaultRoomID, name, "text/plain", []byte("hello"), false))
		if f.Name != want {
			t.Errorf("%q stored as %q, want %q", name, f.Name, want)
		}
	}
}

func TestUploadLimits(t *testing.T) {
	s := newTestServer(t, func(c *server.Config) { c.Files.MaxUploadBytes = 1000 })
	tok := s.register("alice", "password1")
	exact := bytes.Repeat([]byte("a"), 1000)
	uploaded(t, s.upload(tok, parley.DefaultRoomID, "exact.txt", "text/plain", exact, true))
	for _, streamed := range []bool{false, true} {
		res := s.upload(tok, parley.DefaultRoomID, "big.txt", "text/plain", bytes.Repeat([]byte("a"), 1001), streamed)
		if msg := wantError(t, res, http.StatusRequestEntityTooLarge, parley.CodeTooLarge); msg != "the file is larger than 1000 bytes" {
			t.Errorf("streamed=%v: message %q", streamed, msg)
		}
		// A body far past the limit is refused too, declared or not.
		res = s.upload(tok, parley.DefaultRoomID, "huge.bin", "text/plain", bytes.Repeat([]byte("a"), 200<<10), streamed)
		wantError(t, res, http.StatusRequestEntityTooLarge, parley.CodeTooLarge)
	}
	if n, err := s.st.Files.StoredBytes(context.Background()); err != nil || n != 1000 {
		t.Errorf("stored bytes %d (%v): only the file at the limit is kept", n, err)
	}
}

func TestUploadPassesTheAPIBodyLimit(t *testing.T) {
	s := newTestServer(t) // REST bodies: 64 KiB; uploads: 25 MiB
	tok := s.register("alice", "password1")
	data := bytes.Repeat([]byte("x"), 1<<20)
	f := uploaded(t, s.upload(tok, parley.DefaultRoomID, "big.txt", "text/plain", data, false))
	if f.Size != 1<<20 || f.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("%+v", f)
	}
}

func TestUploadRefusals(t *testing.T) {
	s := newTestServer(t)
	alice := s.register("alice", "password1")
	bob := s.register("bob", "password1")
	res := s.do("POST", "/api/rooms", alice, map[string]any{"name": "secret", "private": true})
	room, _ := res.Body["room"].(map[string]any)
	roomID, _ := room["id"].(string)
	if res.Status != http.StatusCreated || roomID == "" {
		t.Fatalf("create room: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.upload(bob, roomID, "a.txt", "text/plain", []byte("hi"), false), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.upload(bob, "no-such-room", "a.txt", "text/plain", []byte("hi"), false), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.upload("", roomID, "a.txt", "text/plain", []byte("hi"), false), http.StatusUnauthorized, parley.CodeUnauthorized)
	wantError(t, s.upload(alice, roomID, "empty.txt", "text/plain", nil, false), http.StatusBadRequest, parley.CodeBadRequest)

	ct, body := multipartBody(t, "other", "a.txt", "text/plain", []byte("hi"))
	req := httptest.NewRequest("POST", "/api/rooms/"+roomID+"/files", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+alice)
	if msg := wantError(t, s.serve(req), http.StatusBadRequest, parley.CodeBadRequest); msg != "the body has no field named file" {
		t.Errorf("message %q", msg)
	}
	res = s.do("POST", "/api/rooms/"+roomID+"/files", alice, map[string]string{"file": "x"})
	wantError(t, res, http.StatusBadRequest, parley.CodeBadRequest)
	if n, _ := s.st.Files.StoredBytes(context.Background()); n != 0 {
		t.Errorf("refused uploads stored %d bytes", n)
	}
}

func TestFileURLsAreCapabilities(t *testing.T) {
	s := newTestServer(t)
	now := time.Date(2026, 12, 3, 10, 20, 0, 0, time.UTC)
	s.signer.Now = func() time.Time { return now }
	tok := s.register("alice", "password1")
	f := uploaded(t, s.upload(tok, parley.DefaultRoomID, "a.txt", "text/plain", []byte("hello"), false))
	path, _, _ := strings.Cut(f.URL, "?")
	for what, url := range map[string]string{
		"no signature":       path,
		"no expiry":          path + "?sig=" + strings.SplitN(f.URL, "sig=", 2)[1],
		"tampered signature": tamper(f.URL),
		"another file's":     strings.Replace(f.URL, f.ID, parley.NewID(), 1),
	} {
		t.Run(what, func(t *testing.T) {
			wantError(t, s.fetch(url), http.StatusForbidden, parley.CodeForbidden)
		})
	}
	// A bearer token is no substitute for the signature.
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	wantError(t, s.serve(req), http.StatusForbidden, parley.CodeForbidden)

	if res := s.fetch(f.URL); res.Status != http.StatusOK {
		t.Fatalf("the signed URL: %d %s", res.Status, res.Raw)
	}
	now = now.Add(100 * time.Minute) // 12:00, the expiry
	if msg := wantError(t, s.fetch(f.URL), http.StatusForbidden, parley.CodeForbidden); !strings.Contains(msg, "expired") {
		t.Errorf("expired: %q", msg)
	}
	wantError(t, s.fetch(s.signer.URL("no-such-file", files.Original)), http.StatusNotFound, parley.CodeNotFound)
}

// tamper flips one character of a URL's signature.
func tamper(url string) string {
	i := strings.Index(url, "sig=") + len("sig=") + 2
	c := byte('A')
	if url[i] == 'A' {
		c = 'B'
	}
	return url[:i] + string(c) + url[i+1:]
}

func TestFilesOfDeletedMessagesAreNotServed(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	alice := s.user("alice")
	f := uploaded(t, s.upload(tok, parley.DefaultRoomID, "a.png", "image/png", pngImage(t, 8, 8), false))
	ctx := context.Background()
	msg, err := s.hub.Send(ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, ClientMsgID: "c1", Attachments: []string{f.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Attachments) != 1 || msg.Attachments[0] != f {
		t.Fatalf("sent %+v, want the attachment %+v", msg.Attachments, f)
	}
	if res := s.fetch(f.URL); res.Status != http.StatusOK {
		t.Fatalf("attached file: %d", res.Status)
	}
	if err := s.hub.DeleteMessage(ctx, alice, parley.DefaultRoomID, msg.ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, s.fetch(f.URL), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.fetch(f.ThumbURL), http.StatusNotFound, parley.CodeNotFound)
}
