package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/server"
)

// sideListener serves an operator's page on an address of its own:
// /metrics when PARLEY_METRICS_ADDR is set (then the main address does not
// serve it at all: the chat port is public, the exposition is for an
// internal network, and one place to scrape avoids counting a node twice),
// and the profiler when PARLEY_PPROF_ADDR is.
type sideListener struct {
	name string
	ln   net.Listener
	http *http.Server
}

// openSide listens on addr; a nil listener when addr is empty.
func openSide(name, addr string, h http.Handler, log *slog.Logger) (*sideListener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for %s on %s: %w", name, addr, err)
	}
	return &sideListener{name: name, ln: ln, http: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}, nil
}

// registerBuildInfo exposes parley_build_info{version,commit,goversion} 1,
// so a dashboard tells which build each node runs.
func registerBuildInfo(reg *monitoring.Registry, b Build) {
	reg.Info("build_info", "1, labelled with the version, commit and Go version of this node's binary.",
		map[string]string{"version": b.Version, "commit": b.Commit, "goversion": b.GoVersion})
}

// openMetrics serves /metrics on addr (nil when addr is empty).
func openMetrics(addr string, reg *monitoring.Registry, log *slog.Logger) (*sideListener, error) {
	return openSide("metrics", addr, server.MetricsApp(reg), log)
}

// openPprof serves net/http/pprof on addr (nil when addr is empty): CPU,
// heap, goroutine and block profiles of a running node, for an internal
// network only.
func openPprof(addr string, log *slog.Logger) (*sideListener, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return openSide("pprof", addr, mux, log)
}

// serve runs until close; it is not fatal to the node if it fails.
func (l *sideListener) serve(log *slog.Logger) {
	if l == nil {
		return
	}
	log.Info("parley "+l.name+" listening", "addr", l.ln.Addr().String())
	go func() {
		if err := l.http.Serve(l.ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error(l.name+" listener stopped", "err", err)
		}
	}()
}

func (l *sideListener) addr() string {
	if l == nil {
		return ""
	}
	return l.ln.Addr().String()
}

// close stops the listener; a scrape in flight may finish until ctx ends.
func (l *sideListener) close(ctx context.Context) {
	if l == nil {
		return
	}
	if err := l.http.Shutdown(ctx); err != nil {
		l.http.Close()
	}
	l.ln.Close() // when Serve never ran, Shutdown did not close it
}
