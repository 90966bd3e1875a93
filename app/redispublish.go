package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
	"github.com/sony/gobreaker/v2"

	"github.com/parley-chat/parley/monitoring"
)

// publishFailed marks an error of a PUBLISH. The adapter reports failed
// publishes and failed subscription reads through the same "error" event;
// only a subscription read may be paused there (its loop would spin),
// while a publish is on the path of a broadcast to this node's own
// sockets and must fail at once.
type publishFailed struct{ err error }

func (e publishFailed) Error() string { return "publish: " + e.err.Error() }
func (e publishFailed) Unwrap() error { return e.err }

// isPublishFailure reports whether an "error" event's arguments carry a
// failed publish.
func isPublishFailure(args []any) bool {
	for _, a := range args {
		if err, ok := a.(error); ok && errors.As(err, new(publishFailed)) {
			return true
		}
	}
	return false
}

// Publishing stops for publishBreakerCooldown after publishBreakerFailures
// failures in a row, then one publish probes Redis. A broadcast publishes
// before it reaches this node's own sockets, and the socket that caused it
// waits for it before its next event, so while Redis is out of reach
// (refusing connections: about 20 ms per publish; not answering at all: a
// dial timeout, 5 s, twice) each broadcast would otherwise pay for finding that
// out again. The cost: up to one cooldown after Redis is back, broadcasts
// still reach this node's sockets only; clients fill such gaps with sync.
const (
	publishBreakerFailures = 3
	publishBreakerCooldown = time.Second
)

// publishGuard is a go-redis hook on PUBLISH: the circuit breaker above, a
// count of the publishes that failed or were not tried, and publishFailed
// around their errors. Each one is a broadcast or a membership notice the
// other nodes never heard.
type publishGuard struct {
	breaker  *gobreaker.CircuitBreaker[struct{}]
	failures prometheus.Counter
}

var _ goredis.Hook = (*publishGuard)(nil)

func newPublishGuard(reg *monitoring.Registry, log *slog.Logger) *publishGuard {
	return &publishGuard{
		breaker: gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
			Name:        "redis-publish",
			MaxRequests: 1,
			Timeout:     publishBreakerCooldown,
			ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= publishBreakerFailures },
			OnStateChange: func(_ string, from, to gobreaker.State) {
				switch to {
				case gobreaker.StateOpen:
					if from == gobreaker.StateClosed {
						log.Warn("redis publish failing: broadcasts reach this node's sockets only; clients elsewhere catch up with sync")
					}
				case gobreaker.StateClosed:
					log.Info("redis publish works again: broadcasts reach every node")
				}
			},
		}),
		failures: monitoring.OrNew(reg).Counter("redis_publish_failures_total",
			"Broadcasts and membership notices this node could not publish to Redis (failed, or not tried while Redis was failing): only its own sockets got them; clients elsewhere catch up with sync."),
	}
}

func (*publishGuard) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (g *publishGuard) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		switch cmd.Name() {
		case "publish", "spublish", "xadd": // the classic, sharded and streams adapters' broadcasts
		default:
			return next(ctx, cmd)
		}
		_, err := g.breaker.Execute(func() (struct{}, error) { return struct{}{}, next(ctx, cmd) })
		if err != nil {
			g.failures.Inc()
			return publishFailed{err}
		}
		return nil
	}
}

func (*publishGuard) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}
