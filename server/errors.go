package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley/store"
)

var statusOf = map[store.Code]int{
	store.CodeBadRequest:   http.StatusBadRequest,
	store.CodeUnauthorized: http.StatusUnauthorized,
	store.CodeForbidden:    http.StatusForbidden,
	store.CodeNotFound:     http.StatusNotFound,
	store.CodeConflict:     http.StatusConflict,
	store.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	store.CodeRateLimited:  http.StatusTooManyRequests,
	store.CodeUnavailable:  http.StatusServiceUnavailable,
	store.CodeInternal:     http.StatusInternalServerError,
}

// errorBody is the wire shape of an error, in REST bodies and acks alike.
type errorBody struct {
	Code    store.Code `json:"code"`
	Message string     `json:"message"`
}

// classify turns any error into a code and a message safe to show, and
// counts and logs it (only internal errors are logged: the others are the
// client's business).
func (s *Server) classify(err error, where string) errorBody {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		err = fromHTTPError(he)
	}
	code := store.CodeOf(err)
	s.errors.WithLabelValues(string(code)).Inc()
	if code == store.CodeInternal || code == store.CodeUnavailable {
		s.log.Error("request failed", "where", where, "code", code, "err", err)
	}
	return errorBody{Code: code, Message: store.MessageOf(err)}
}

func fromHTTPError(he *echo.HTTPError) error {
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return store.Errorf(store.CodeTooLarge, "request body is too large")
	case http.StatusNotFound:
		return store.Errorf(store.CodeNotFound, "not found")
	case http.StatusMethodNotAllowed:
		return store.Errorf(store.CodeBadRequest, "method not allowed")
	case http.StatusUnauthorized:
		return store.Errorf(store.CodeUnauthorized, "unauthorized")
	case http.StatusForbidden:
		return store.Errorf(store.CodeForbidden, "forbidden")
	}
	if he.Code >= 400 && he.Code < 500 {
		return store.Errorf(store.CodeBadRequest, "%v", he.Message)
	}
	return store.Wrap(store.CodeInternal, he, "internal error")
}

// handleError is Echo's error handler: every REST error leaves in the
// DESIGN shape with the matching status.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	body := s.classify(err, c.Request().Method+" "+c.Path())
	status := statusOf[body.Code]
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, map[string]any{"error": body})
}
