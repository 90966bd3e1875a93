package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/server"
)

// gate is the node's HTTP handler. Until open hands it the app, it answers
// like a node that is alive but not ready: /healthz 200, everything else
// 503 UNAVAILABLE. That is what a load balancer or an orchestrator should
// see while the node waits for its database, rather than a refused port.
type gate struct{ app atomic.Pointer[http.Handler] }

func (g *gate) set(h http.Handler) { g.app.Store(&h) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := g.app.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	server.SetSecurityHeaders(w.Header())
	id := server.RequestIDFor(r.Header)
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "5")
	if r.URL.Path == "/healthz" {
		_, _ = w.Write([]byte(`{"ok":true}`))
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	// The id's characters need no escaping in JSON.
	_, _ = w.Write([]byte(`{"error":{"code":"UNAVAILABLE","message":"not ready: starting"},"requestId":"` + id + `"}`))
}

// listen binds the listen address and starts serving the gate, before the
// store opens.
func (m *Main) listen() error {
	ln, err := net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.cfg.Addr, err)
	}
	m.ln = ln
	read, write, idle := m.cfg.httpTimeouts()
	m.http = &http.Server{
		Handler:           &m.gate,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       read,
		WriteTimeout:      write,
		IdleTimeout:       idle,
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
	}
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.http.Serve(ln) }()
	close(m.listening)
	return nil
}

// ListenAddr is the listen address as soon as the node listens, before it
// is ready (Addr waits until it is); "" if it never listened.
func (m *Main) ListenAddr() string {
	select {
	case <-m.listening:
		return m.ln.Addr().String()
	case <-m.ready:
		if m.ln == nil {
			return ""
		}
		return m.ln.Addr().String()
	}
}
