package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/server"
)

// metricsListener serves /metrics on its own address when PARLEY_METRICS_ADDR
// is set. Then the main address does not serve /metrics at all: the chat
// port is public, the exposition (route names, error rates, Go internals)
// is for an internal network only, and one place to scrape avoids counting
// a node twice.
type metricsListener struct {
	ln   net.Listener
	http *http.Server
}

// openMetrics listens on addr; a nil listener when addr is empty.
func openMetrics(addr string, reg *monitoring.Registry, log *slog.Logger) (*metricsListener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	return &metricsListener{ln: ln, http: &http.Server{
		Handler:           server.MetricsApp(reg),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}, nil
}

// serve runs until close; it is not fatal to the node if it fails.
func (l *metricsListener) serve(log *slog.Logger) {
	if l == nil {
		return
	}
	log.Info("parley metrics listening", "addr", l.ln.Addr().String())
	go func() {
		if err := l.http.Serve(l.ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
}

func (l *metricsListener) addr() string {
	if l == nil {
		return ""
	}
	return l.ln.Addr().String()
}

// close stops the listener; a scrape in flight may finish until ctx ends.
func (l *metricsListener) close(ctx context.Context) {
	if l == nil {
		return
	}
	if err := l.http.Shutdown(ctx); err != nil {
		l.http.Close()
	}
	l.ln.Close() // when Serve never ran, Shutdown did not close it
}
