package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// homePage answers / until the web UI is embedded, so a person opening the
// server in a browser learns it runs and where to go next.
const homePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Parley is running</h1>
<p>This build has no web UI assets. The REST API is under <code>/api</code>,
Socket.IO under <code>/socket.io/</code>, health at <code>/healthz</code> and
<code>/readyz</code>, metrics at <code>/metrics</code>.</p>
<p>See the README for the protocol and configuration.</p>
</body></html>`

func (s *Server) home(c echo.Context) error {
	return c.HTML(http.StatusOK, homePage)
}
