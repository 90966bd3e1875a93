package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/ratelimit"
	"github.com/parley-chat/parley/rooms/redispresence"
	goredis "github.com/redis/go-redis/v9"
	sioredis "github.com/zishang520/socket.io/adapters/redis/v3"
	"github.com/zishang520/socket.io/adapters/redis/v3/adapter"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// redisLink is this node's connection to Redis, which carries every
// broadcast to the other nodes (the Socket.IO Redis adapter) and holds
// who is online in the cluster (redispresence).
type redisLink struct {
	client   *goredis.Client
	ctx      context.Context    // ends with cancel
	cancel   context.CancelFunc // ends the adapter's and the peers' subscriptions, and the presence's heartbeat
	peers    *redisPeers
	presence *redispresence.Presence
	limits   *ratelimit.Cluster // limits.go

	mu     sync.Mutex
	logged time.Time
}

// redisErrorPause slows the adapter's subscription loop while Redis is
// down: the adapter retries a failed receive at once and reports each
// failure through its "error" event, synchronously, so without a pause an
// outage would spin a core and flood the log. Failed publishes are not
// paused (publishFailed).
const redisErrorPause = 500 * time.Millisecond

// A command dials once per try and is tried twice. go-redis's defaults,
// 5 dials 100 ms apart times 4 tries, kept a broadcast waiting about 2 s
// when Redis had just gone down, and a publish that probes a Redis still
// down ~100 ms (see publishBreakerFailures for why that matters); these
// take ~20 ms. The second try still covers a pooled connection that a
// Redis restart closed. Pub/sub is best effort anyway: a message other
// nodes miss is in the store for sync.
const (
	redisDialAttempts = 1
	redisMaxRetries   = 1
)

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
	if opts.DialerRetries == 0 { // PARLEY_REDIS_URL cannot set it
		opts.DialerRetries = redisDialAttempts
	}
	if opts.MaxRetries == 0 { // not in PARLEY_REDIS_URL (max_retries=-1: no retry)
		opts.MaxRetries = redisMaxRetries
	}
	ctx, cancel := context.WithCancel(context.Background())
	link := &redisLink{client: goredis.NewClient(opts), ctx: ctx, cancel: cancel}
	link.client.AddHook(newPublishGuard(reg, m.log))
	link.peers = newRedisPeers(link.client, m.cfg.RedisPrefix, reg, m.log)
	link.presence = redispresence.New(redispresence.Config{
		Client: link.client, Prefix: m.cfg.RedisPrefix, NodeTTL: m.cfg.PresenceNodeTTL, Logger: m.log, Metrics: reg,
	})
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
		if isPublishFailure(args) {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(redisErrorPause):
		}
	})
	return redisAdapter(m.cfg.RedisAdapter, m.cfg.RedisPrefix, rc), nil
}

// redisAdapter builds the adapter kind chosen by PARLEY_REDIS_ADAPTER; all
// its keys and channels start with prefix.
func redisAdapter(kind, prefix string, rc *sioredis.RedisClient) socket.AdapterConstructor {
	switch kind {
	case "sharded":
		opts := &adapter.ShardedRedisAdapterOptions{}
		opts.SetChannelPrefix(prefix)
		return &adapter.ShardedRedisAdapterBuilder{Redis: rc, Opts: opts}
	case "streams":
		opts := &adapter.RedisStreamsAdapterOptions{}
		opts.SetStreamName(prefix + "#stream")
		opts.SetChannelPrefix(prefix)
		return &adapter.RedisStreamsAdapterBuilder{Redis: rc, Opts: opts}
	default:
		opts := &adapter.RedisAdapterOptions{}
		opts.SetKey(prefix)
		return &adapter.RedisAdapterBuilder{Redis: rc, Opts: opts}
	}
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
