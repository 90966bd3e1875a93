package main

import (
	"context"
	"fmt"
	"log/slog"
)

// redisLog carries go-redis's own messages (a failed dial, a pool
// problem) into Parley's structured log instead of a bare line on stderr.
// go-redis has one logger per process, so the command sets it, not app.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(format, v...), "component", "redis")
}
