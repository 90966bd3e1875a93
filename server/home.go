package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

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

// webUI serves the embedded single-page app: files as they are (hashed
// assets cached for a year), any other path the app's index.html, which
// is never cached so a new build is picked up at once.
type webUI struct {
	assets fs.FS
	files  http.Handler
	index  []byte
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
	return &webUI{assets: assets, files: http.FileServerFS(assets), index: index}
}

func (w *webUI) serve(c echo.Context) error {
	res := c.Response()
	if w.assets == nil {
		res.Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.HTML(http.StatusOK, noAssetsPage)
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Request().URL.Path), "/")
	if name != "" && name != "index.html" {
		if st, err := fs.Stat(w.assets, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				res.Header().Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
			} else {
				res.Header().Set(echo.HeaderCacheControl, "no-cache")
			}
			w.files.ServeHTTP(res, c.Request())
			return nil
		}
		if strings.HasPrefix(name, "assets/") {
			return echo.ErrNotFound // a stale hashed name: no HTML in its place
		}
	}
	h := res.Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set(echo.HeaderContentSecurityPolicy, "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	return c.HTMLBlob(http.StatusOK, w.index)
}
