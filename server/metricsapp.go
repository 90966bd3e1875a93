package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley/monitoring"
)

// readyTimeout bounds the readiness check a scrape makes; well under
// Prometheus's default 10s scrape timeout, so a hung database reads as
// "not ready" rather than as a failed scrape.
const readyTimeout = 2 * time.Second

// readyValue is parley_ready: the /readyz checks, run at scrape time, so
// "no ready nodes" can be alerted on even while every process is up.
func (s *Server) readyValue() float64 {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if s.cfg.Ready(ctx) != nil {
		return 0
	}
	return 1
}

// MetricsApp is the Echo app of the metrics listener (PARLEY_METRICS_ADDR):
// only GET /metrics, so the exposition can stay on an internal network
// while the chat port is public.
func MetricsApp(reg *monitoring.Registry) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Pre(secureHeaders)
	e.GET("/metrics", echo.WrapHandler(reg.Handler()))
	return e
}
