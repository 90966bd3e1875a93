package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/ratelimit"
	goredis "github.com/redis/go-redis/v9"
	sioredis "github.com/zishang520/socket.io/adapters/redis/v3"
	"github.com/zishang520/socket.io/adapters/redis/v3/adapter"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// redisLink is this node's connection to Redis, which carries every
// broadcast to the other nodes (the Socket.IO Redis adapter).
type redisLink struct {
	client *goredis.Client
	ctx    context.Context    // ends with cancel
	cancel context.CancelFunc // ends the adapter's and the peers' subscriptions
	peers  *redisPeers
	limits *ratelimit.Cluster // limits.go

	mu     sync.Mutex
	logged time.Time
}

// redisErrorPause slows the adapter's subscription loop while Redis is
// down: the adapter retries a failed receive at once and reports each
// failure through its "error" event, synchronously, so without a pause an
// outage would spin a core and flood the log.
const redisErrorPause = 500 * time.Millisecond

// openRedis builds the adapter for PARLEY_REDIS_URL (nil when unset). It
// does not wait for Redis: go-redis connects lazily and reconnects by
// itself, and /readyz (readiness) reports the node not ready until Redis
// answers.
func (m *Main) openRedis(reg *monitoring.Registry) (socket.AdapterConstructor, error) {
	if m.cfg.RedisURL == "" {
		return nil, nil
	}
	opts, err := goredis.ParseURL(m.cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("PARLEY_REDIS_URL: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	link := &redisLink{client: goredis.NewClient(opts), ctx: ctx, cancel: cancel}
	link.peers = newRedisPeers(link.client, m.cfg.RedisPrefix, reg, m.log)
	link.limits = ratelimit.New(ratelimit.Config{Client: link.client, Prefix: m.cfg.RedisPrefix, Metrics: reg, Logger: m.log})
	m.redis = link
	rc := sioredis.NewRedisClient(ctx, link.client)
	_ = rc.On("error", func(args ...any) {
		link.mu.Lock()
		if time.Since(link.logged) > 10*time.Second {
			link.logged = time.Now()
			m.log.Warn("redis adapter error", "err", fmt.Sprint(args...))
		}
		link.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(redisErrorPause):
		}
	})
	aopts := &adapter.RedisAdapterOptions{}
	aopts.SetKey(m.cfg.RedisPrefix)
	return &adapter.RedisAdapterBuilder{Redis: rc, Opts: aopts}, nil
}

// readiness is /readyz: the store answers and, when configured, Redis does.
func (m *Main) readiness(ctx context.Context) error {
	if err := m.store.Backend.Ping(ctx); err != nil {
		return err
	}
	if m.redis == nil {
		return nil
	}
	if err := m.redis.client.Ping(ctx).Err(); err != nil {
		return parley.Wrap(parley.CodeUnavailable, err, "redis is unavailable")
	}
	return nil
}

// closeRedis ends the subscriptions and the connection pool. Call it after
// the Socket.IO server closed, which closes the adapters.
func (m *Main) closeRedis() error {
	if m.redis == nil {
		return nil
	}
	m.redis.cancel()
	if err := m.redis.client.Close(); err != nil {
		return fmt.Errorf("close redis: %w", err)
	}
	return nil
}
