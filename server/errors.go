package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/parley-chat/parley"
)

var statusOf = map[parley.Code]int{
	parley.CodeBadRequest:   http.StatusBadRequest,
	parley.CodeUnauthorized: http.StatusUnauthorized,
	parley.CodeForbidden:    http.StatusForbidden,
	parley.CodeNotFound:     http.StatusNotFound,
	parley.CodeConflict:     http.StatusConflict,
	parley.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	parley.CodeRateLimited:  http.StatusTooManyRequests,
	parley.CodeUnavailable:  http.StatusServiceUnavailable,
	parley.CodeInternal:     http.StatusInternalServerError,
}

// errorBody is the wire shape of an error, in REST bodies and acks alike.
type errorBody struct {
	Code    parley.Code `json:"code"`
	Message string      `json:"message"`
}

// classify turns any error into a code and a message safe to show, and
// counts and logs it (only internal errors are logged: the others are the
// client's business).
func (s *Server) classify(ctx context.Context, err error, where string) errorBody {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		err = fromHTTPError(he)
	}
	code := parley.CodeOf(err)
	s.errors.WithLabelValues(string(code)).Inc()
	if code == parley.CodeInternal || code == parley.CodeUnavailable {
		s.log.ErrorContext(ctx, "request failed", "where", where, "code", code, "err", err)
	}
	return errorBody{Code: code, Message: parley.ErrorMessage(err)}
}

func fromHTTPError(he *echo.HTTPError) error {
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return parley.Errorf(parley.CodeTooLarge, "request body is too large")
	case http.StatusNotFound:
		return parley.Errorf(parley.CodeNotFound, "not found")
	case http.StatusMethodNotAllowed:
		return parley.Errorf(parley.CodeBadRequest, "method not allowed")
	case http.StatusUnauthorized:
		return parley.Errorf(parley.CodeUnauthorized, "unauthorized")
	case http.StatusForbidden:
		return parley.Errorf(parley.CodeForbidden, "forbidden")
	}
	if he.Code >= 400 && he.Code < 500 {
		return parley.Errorf(parley.CodeBadRequest, "%v", he.Message)
	}
	return parley.Wrap(parley.CodeInternal, he, "internal error")
}

// errorAnswer is the body of a REST error: the error, and the request's id
// to quote when reporting it (docs/protocol.md §3.1).
func errorAnswer(c echo.Context, body errorBody) map[string]any {
	a := map[string]any{"error": body}
	if id := requestIDOf(c); id != "" {
		a["requestId"] = id
	}
	return a
}

// handleError is Echo's error handler: every REST error leaves in the
// shape of docs/protocol.md §3.1 with the matching status.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	body := s.classify(c.Request().Context(), err, c.Request().Method+" "+c.Path())
	status := statusOf[body.Code]
	// The codes have no "wrong method"; the status keeps it (with Echo's
	// Allow header), so a probe or a proxy can tell it from a bad body.
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusMethodNotAllowed {
		status = http.StatusMethodNotAllowed
	}
	if d := parley.RetryAfterOf(err); d > 0 && body.Code == parley.CodeRateLimited {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, errorAnswer(c, body))
}
