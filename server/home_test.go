package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
)

func serveUI(t *testing.T, ui *webUI, target string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	e.GET("/", ui.serve)
	e.GET("/*", ui.serve)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestWebUIServesTheAppAndFallsBackToIndex(t *testing.T) {
	ui := newWebUI(fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>app</title>")},
		"assets/app-1a2b.js": {Data: []byte("console.info(1)")},
		"favicon.svg":        {Data: []byte("<svg/>")},
	})
	cases := []struct {
		target, body, cache string
		status              int
	}{
		{"/", "<title>app</title>", "no-cache", 200},
		{"/rooms/general", "<title>app</title>", "no-cache", 200},
		{"/assets/app-1a2b.js", "console.info(1)", "public, max-age=31536000, immutable", 200},
		{"/favicon.svg", "<svg/>", "no-cache", 200},
		{"/assets/gone-0000.js", "", "", 404},
	}
	for _, c := range cases {
		rec := serveUI(t, ui, c.target)
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.target, rec.Code, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s: body %q, want it to contain %q", c.target, rec.Body.String(), c.body)
		}
		if got := rec.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.target, got, c.cache)
		}
	}
	if csp := serveUI(t, ui, "/").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("index.html CSP %q should allow same-origin scripts only", csp)
	}
}

func TestWebUIWithoutAssetsSaysHowToBuildThem(t *testing.T) {
	rec := serveUI(t, newWebUI(nil), "/")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "make build") {
		t.Fatalf("got %d %q, want the page telling to run make build", rec.Code, rec.Body.String())
	}
}
