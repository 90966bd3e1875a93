package server

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

// observeHTTP records REST latency by route pattern (never the raw path,
// which would carry room ids) and status class.
func (s *Server) observeHTTP(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if strings.HasPrefix(route, "/socket.io") {
			return err
		}
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			// Echo's own errors (unmatched route, body limit) are mapped
			// as handleError will answer them, not counted as 5xx.
			answered := err
			var he *echo.HTTPError
			if errors.As(err, &he) {
				answered = fromHTTPError(he)
			}
			status = statusOf[parley.CodeOf(answered)]
		}
		s.http.WithLabelValues(route, strconv.Itoa(status/100)+"xx").Observe(time.Since(start).Seconds())
		return err
	}
}

// checkOrigin refuses Socket.IO requests that a browser made from a page of
// another origin, unless that origin is allowed. Non-browser clients send no
// Origin and are authenticated by their token alone.
func (s *Server) checkOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		origin := c.Request().Header.Get("Origin")
		if origin == "" || s.originAllowed(origin, c.Request().Host) {
			return next(c)
		}
		return parley.Errorf(parley.CodeForbidden, "origin %s is not allowed", origin)
	}
}

func (s *Server) originAllowed(origin, host string) bool {
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, host) {
		return true
	}
	for _, o := range s.cfg.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

func contextWithTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}

// userOfToken loads the account a bearer token was issued to, with what
// the token says.
func (s *Server) userOfToken(ctx context.Context, token string) (*parley.User, accounts.Claims, error) {
	return s.accounts.Authenticate(ctx, token)
}
