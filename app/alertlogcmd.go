package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/parley-chat/parley/monitoring/alertlog"
)

const alertLogUsage = `Usage: parley alert-log [-addr host:port]

Receive Alertmanager's webhook notifications and log each alert as one JSON
line on stderr (alertname, status, severity, instance, summary, description,
runbook_url, startsAt, fingerprint; endsAt once resolved): firing alerts at
level WARN, resolved ones at INFO. The receiver of
monitoring/alertmanager/alertmanager.yml until one that notifies people is
configured (docs/operations.md, "Alerting").

  POST /alerts    an Alertmanager notification (webhook version 4): 200, or
                  400 when the body is not one
  GET  /healthz   200

Flags:
  -addr  listen address (PARLEY_ALERT_LOG_ADDR, default :9094)
`

// alertLogShutdown bounds the wait for notifications being logged when the
// command is stopped.
const alertLogShutdown = 5 * time.Second

// AlertLogCommand runs `parley alert-log`: it serves alertlog.Handler on
// -addr until ctx ends, and returns the process's exit status: 0, 1 when it
// cannot listen, 2 for bad usage.
func AlertLogCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	addr := getenv("PARLEY_ALERT_LOG_ADDR")
	if addr == "" {
		addr = ":9094"
	}
	fs := flag.NewFlagSet("parley alert-log", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // -h prints the usage on stdout, a mistake on stderr: below
	fs.StringVar(&addr, "addr", addr, "listen address")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, alertLogUsage)
			return 0
		}
		fmt.Fprint(stderr, "\n"+alertLogUsage)
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "parley alert-log: unexpected arguments %q\n\n%s", fs.Args(), alertLogUsage)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("alert-log: cannot listen", "addr", addr, "error", err)
		return 1
	}
	srv := &http.Server{
		Handler:           alertlog.Handler(log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("alert-log: listening", "addr", ln.Addr().String())
	select {
	case err := <-served:
		log.Error("alert-log: stopped serving", "error", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), alertLogShutdown)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("alert-log: shutdown", "error", err)
	}
	log.Info("alert-log: stopped")
	return 0
}
