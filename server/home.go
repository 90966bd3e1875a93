package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/parley-chat/parley/webapp"
)

// noAssetsPage answers / when the binary was built without the web UI, so
// a person opening the server in a browser learns how to get it.
const noAssetsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Parley is running</h1>
<p>This build has no web UI assets: run <code>make build</code> (or
<code>make run</code>), which builds <code>webapp/dist</code> with npm and
embeds it into <code>bin/parley</code>.</p>
<p>The REST API is under <code>/api</code>, Socket.IO under
<code>/socket.io/</code>, health at <code>/healthz</code> and
<code>/readyz</code>, metrics at <code>/metrics</code>.</p>
</body></html>`

// contentSecurityPolicy keeps the app to its own origin: its scripts,
// styles and Socket.IO connection; nothing may frame it. Images may also
// be blob: URLs, the previews of files picked but not yet uploaded.
const contentSecurityPolicy = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; " +
	"script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// webUI serves the embedded single-page app: index.html at / (never
// cached, so a new build is picked up at once) and the build's files by
// name (hashed assets cached for a year).
type webUI struct {
	assets fs.FS
	files  http.Handler
	index  []byte
	// top are the build's top-level entries ("assets", "favicon.svg").
	top map[string]bool
}

// embeddedUI is the UI built into this binary, or nil.
func embeddedUI() fs.FS {
	if assets, ok := webapp.Assets(); ok {
		return assets
	}
	return nil
}

// newWebUI serves assets (index.html at the root); nil serves the page
// that explains how to build the UI.
func newWebUI(assets fs.FS) *webUI {
	if assets == nil {
		return &webUI{}
	}
	index, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		return &webUI{}
	}
	w := &webUI{assets: assets, files: http.FileServerFS(assets), index: index, top: map[string]bool{}}
	entries, _ := fs.ReadDir(assets, ".")
	for _, en := range entries {
		if name := en.Name(); name != "index.html" && !strings.HasPrefix(name, ".") {
			w.top[name] = en.IsDir()
		}
	}
	return w
}

// register mounts the UI: a route per top-level file or directory of the
// build (so metrics see a few bounded routes), and the fallback that sends
// a browser's page load of any other path to the app.
func (w *webUI) register(e *echo.Echo) {
	gz := compressUI()
	e.GET("/", w.serve, gz)
	for name, dir := range w.top {
		if dir {
			e.GET("/"+name+"/*", w.serve, gz)
		} else {
			e.GET("/"+name, w.serve, gz)
		}
	}
	e.Pre(w.fallback)
}

// compressUI gzips the app's text files for browsers that accept it: the
// bundle shrinks to about a third, which is most of a first page load on a
// slow link. Files already compressed (images, fonts) and tiny ones are
// sent as they are, and so are range requests.
func compressUI() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     6,
		MinLength: 1024,
		Skipper: func(c echo.Context) bool {
			switch strings.ToLower(path.Ext(c.Request().URL.Path)) {
			case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2", ".gz", ".br", ".zip":
				return true
			}
			return c.Request().Header.Get("Range") != ""
		},
	})
}

// reservedPaths are never the app's pages.
var reservedPaths = []string{"/api", "/socket.io", "/metrics", "/healthz", "/readyz"}

// fallback rewrites a page load (GET accepting HTML) of a path that is
// neither the server's nor a file of the build to /, so links into the
// app work; API clients and unknown files still get 404.
func (w *webUI) fallback(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if w.assets != nil && r.Method == http.MethodGet && r.URL.Path != "/" &&
			strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html") && w.isAppPath(r.URL.Path) {
			r.URL.Path, r.URL.RawPath = "/", ""
		}
		return next(c)
	}
}

func (w *webUI) isAppPath(p string) bool {
	for _, r := range reservedPaths {
		if p == r || strings.HasPrefix(p, r+"/") {
			return false
		}
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	_, file := w.top[first]
	return !file
}

func (w *webUI) serve(c echo.Context) error {
	res := c.Response()
	if w.assets == nil {
		res.Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.HTML(http.StatusOK, noAssetsPage)
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Request().URL.Path), "/")
	if name == "" {
		h := res.Header()
		h.Set(echo.HeaderCacheControl, "no-cache")
		// secureHeaders set the others; this CSP replaces its bare
		// frame-ancestors one.
		h.Set(echo.HeaderContentSecurityPolicy, contentSecurityPolicy)
		return c.HTMLBlob(http.StatusOK, w.index)
	}
	st, err := fs.Stat(w.assets, name)
	if err != nil || st.IsDir() {
		return echo.ErrNotFound
	}
	if strings.HasPrefix(name, "assets/") {
		res.Header().Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		res.Header().Set(echo.HeaderCacheControl, "no-cache")
	}
	w.files.ServeHTTP(res, c.Request())
	return nil
}
