package app

import (
	"io"
	"log/slog"
)

// NewLogger is the server's logger, at cfg.LogLevel.
func NewLogger(w io.Writer, cfg Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}
