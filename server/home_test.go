package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
)

func uiServer(ui *webUI) *echo.Echo {
	e := echo.New()
	e.Pre(secureHeaders) // as New installs it
	ui.register(e)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	return e
}

func get(e *echo.Echo, target string, page bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if page {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestWebUIServesTheAppItsFilesAndPageLoadsOfOtherPaths(t *testing.T) {
	e := uiServer(newWebUI(fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>app</title>")},
		"assets/app-1a2b.js": {Data: []byte("console.info(1)")},
		"favicon.svg":        {Data: []byte("<svg/>")},
		".gitkeep":           {Data: nil},
	}))
	cases := []struct {
		target      string
		page        bool
		status      int
		body, cache string
	}{
		{"/", true, 200, "<title>app</title>", "no-cache"},
		{"/", false, 200, "<title>app</title>", "no-cache"},
		{"/rooms/general", true, 200, "<title>app</title>", "no-cache"}, // a link into the app
		{"/index.html", true, 200, "<title>app</title>", "no-cache"},
		{"/assets/app-1a2b.js", false, 200, "console.info(1)", "public, max-age=31536000, immutable"},
		{"/favicon.svg", false, 200, "<svg/>", "no-cache"},
		{"/assets/gone-0000.js", true, 404, "", ""}, // a stale hashed name: no HTML in its place
		{"/rooms/general", false, 404, "", ""},      // not a page load: API clients get 404
		{"/api/nope", true, 404, "", ""},
		{"/metrics", true, 404, "", ""},
		{"/.gitkeep", false, 404, "", ""},
		{"/healthz", true, 200, "ok", ""},
	}
	for _, c := range cases {
		rec := get(e, c.target, c.page)
		if rec.Code != c.status {
			t.Errorf("GET %s (page %v): status %d, want %d", c.target, c.page, rec.Code, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("GET %s: body %q, want it to contain %q", c.target, rec.Body.String(), c.body)
		}
		if got := rec.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", c.target, got, c.cache)
		}
	}
	if csp := get(e, "/", true).Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("index.html CSP %q should allow same-origin scripts only", csp)
	}
	// The page keeps its full policy (one header, not the bare one) and
	// carries the headers every response does.
	h := get(e, "/", true).Header()
	for k, v := range map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	} {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("index.html %s = %q, want [%q]", k, got, v)
		}
	}
}

func TestWebUIWithoutAssetsSaysHowToBuildThem(t *testing.T) {
	e := uiServer(newWebUI(nil))
	rec := get(e, "/", true)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "make build") {
		t.Fatalf("got %d %q, want the page telling to run make build", rec.Code, rec.Body.String())
	}
	if rec := get(e, "/no/such/page", true); rec.Code != 404 {
		t.Errorf("without assets, other paths: %d, want 404", rec.Code)
	}
}

func TestWebUISendsItsTextFilesGzipped(t *testing.T) {
	bundle := strings.Repeat("export const greeting = 'hello from parley';\n", 200)
	png := strings.Repeat("\x89PNG not really", 200)
	e := uiServer(newWebUI(fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>app</title>" + strings.Repeat("<!-- pad -->", 200))},
		"assets/app-1a2b.js":   {Data: []byte(bundle)},
		"assets/logo-3c4d.png": {Data: []byte(png)},
	}))
	fetch := func(target, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}

	rec := fetch("/assets/app-1a2b.js", "gzip, deflate, br")
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("bundle: status %d, Content-Encoding %q, want 200 gzip", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("bundle: Vary %q, want Accept-Encoding (caches must keep both forms)", rec.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != bundle {
		t.Fatalf("bundle decompressed to %d bytes (err %v), want the %d bytes of the file", len(plain), err, len(bundle))
	}
	if rec.Body.Len() >= len(bundle)/3 {
		t.Errorf("bundle sent as %d bytes for %d: not compressed", rec.Body.Len(), len(bundle))
	}
	if rec := fetch("/", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("index.html: Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}

	// A client that does not ask for gzip, and an image, get the bytes as stored.
	if rec := fetch("/assets/app-1a2b.js", ""); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != bundle {
		t.Errorf("bundle without Accept-Encoding: Content-Encoding %q, %d bytes; want the file as is", rec.Header().Get("Content-Encoding"), rec.Body.Len())
	}
	if rec := fetch("/assets/logo-3c4d.png", "gzip"); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != png {
		t.Errorf("png: Content-Encoding %q; an image is sent as stored", rec.Header().Get("Content-Encoding"))
	}
}
