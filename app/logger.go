package app

import (
	"io"
	"log/slog"
)

// NewLogger is the server's logger, at cfg.LogLevel, in cfg.LogFormat:
// JSON for a log shipper, text (the default) for people.
func NewLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
