package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley"
)

// accessLog writes one info line per API request (/api/...) and per
// Engine.IO long-polling handshake (the request that opens a Socket.IO
// connection; its id is the connection's, see onConnect). Left out: the
// web UI's files, /healthz, /readyz and /metrics (probes and scrapes every
// few seconds), and the polls, posts and WebSocket upgrades of open
// Socket.IO connections, which are the chat itself.
//
// The line says who asked what and how it went, never what was said: the
// path without its query string (which carries file signatures and search
// text), never a body, a header or a token.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !accessLogged(req) {
			return next(c)
		}
		start := time.Now()
		if err := next(c); err != nil {
			// Answer the error here, so the line has the status the
			// client gets.
			c.Error(err)
		}
		res := c.Response()
		attrs := []slog.Attr{
			slog.String("requestId", requestIDOf(c)),
			slog.String("method", req.Method),
			slog.String("route", c.Path()),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", res.Size),
			slog.String("ip", c.RealIP()),
		}
		if u, ok := c.Get(userKey).(parley.User); ok {
			attrs = append(attrs, slog.String("userId", u.ID))
		}
		// Not the request's context: its requestId is already here.
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "http request", attrs...)
		return nil
	}
}

// accessLogged tells the requests accessLog writes a line for.
func accessLogged(r *http.Request) bool {
	p := r.URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return true
	}
	if p == "/socket.io/" {
		q := r.URL.Query()
		return q.Get("sid") == "" && q.Get("transport") == "polling"
	}
	return false
}
