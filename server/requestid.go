package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// maxRequestIDLength bounds an X-Request-Id taken from the client or the
// reverse proxy; Echo's own ids are 32 characters.
const maxRequestIDLength = 64

// requestID gives every request an id: the X-Request-Id the reverse proxy
// (nginx's $request_id) or the client sent when it is sane, else a new one.
// The response carries it in X-Request-Id, error bodies in requestId, and
// the log lines written with the request's context in requestId, so one
// failed request can be found in the logs of the node that served it.
func requestID() echo.MiddlewareFunc {
	ids := middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		TargetHeader: echo.HeaderXRequestID,
		Generator:    NewRequestID,
		RequestIDHandler: func(c echo.Context, id string) {
			req := c.Request()
			// The Socket.IO server reads the handshake's headers, not the
			// echo context: the header is how a connection learns its id.
			req.Header.Set(echo.HeaderXRequestID, id)
			c.SetRequest(req.WithContext(withLogAttrs(req.Context(), slog.String("requestId", id))))
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := ids(next)
		return func(c echo.Context) error {
			// An id that is too long or carries other characters would let
			// a client write what it likes into the logs: replace it.
			if id := c.Request().Header.Get(echo.HeaderXRequestID); id != "" && !saneRequestID(id) {
				c.Request().Header.Del(echo.HeaderXRequestID)
			}
			return h(c)
		}
	}
}

// RequestIDFor is the id of a request with header h: its X-Request-Id when
// sane, else a new one. For what answers before the Echo app is in place.
func RequestIDFor(h http.Header) string {
	if id := h.Get(echo.HeaderXRequestID); saneRequestID(id) {
		return id
	}
	return NewRequestID()
}

const requestIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewRequestID is 32 random letters and digits: unique enough among the
// requests of a log's lifetime, and nothing to escape anywhere.
func NewRequestID() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	for i := range b {
		// 256 = 4×62 + 8: a slight bias, harmless for an id.
		b[i] = requestIDAlphabet[int(b[i])%len(requestIDAlphabet)]
	}
	return string(b[:])
}

// saneRequestID accepts 1 to 64 characters of [A-Za-z0-9._-].
func saneRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '.', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

// requestIDOf is the id requestID gave the request ("" before it ran).
func requestIDOf(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

type logAttrsKey struct{}

// withLogAttrs returns ctx carrying attrs, which every log line written
// with ctx (InfoContext and the like) through the server's logger adds.
func withLogAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev, _ := ctx.Value(logAttrsKey{}).([]slog.Attr)
	all := make([]slog.Attr, 0, len(prev)+len(attrs))
	return context.WithValue(ctx, logAttrsKey{}, append(append(all, prev...), attrs...))
}

// contextLogHandler adds the attributes withLogAttrs put in a record's
// context: the request id of an HTTP request, the request and socket ids of
// a Socket.IO connection.
type contextLogHandler struct{ slog.Handler }

func (h contextLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if attrs, ok := ctx.Value(logAttrsKey{}).([]slog.Attr); ok {
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextLogHandler) WithGroup(name string) slog.Handler {
	return contextLogHandler{h.Handler.WithGroup(name)}
}

// contextLogger wraps log so that lines written with a context carry its
// attributes (once, however often it is wrapped).
func contextLogger(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(contextLogHandler); ok {
		return log
	}
	return slog.New(contextLogHandler{log.Handler()})
}
