package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// securityHeaders go on every response of the node, not only the page: an
// API error or a /healthz body opened in a browser must not be sniffed into
// HTML or framed by another site (clickjacking), and no URL of the node
// (they carry room ids) leaks to another site through Referer. The page
// replaces the Content-Security-Policy with its fuller one (home.go), which
// also forbids framing.
var securityHeaders = [...][2]string{
	{echo.HeaderXContentTypeOptions, "nosniff"},
	{echo.HeaderReferrerPolicy, "no-referrer"},
	{echo.HeaderContentSecurityPolicy, "frame-ancestors 'none'"},
	{echo.HeaderXFrameOptions, "DENY"},
}

// SetSecurityHeaders sets the headers every response carries; for
// handlers outside the Echo app (the node's startup gate).
func SetSecurityHeaders(h http.Header) {
	for _, kv := range securityHeaders {
		h.Set(kv[0], kv[1])
	}
}

// secureHeaders is the Echo middleware that sets them. Installed with Pre,
// it runs before routing, so unmatched routes, errors answered by
// handleError and the Socket.IO endpoint's polling responses carry them
// too (a WebSocket's 101 as well, harmlessly).
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		SetSecurityHeaders(c.Response().Header())
		return next(c)
	}
}
