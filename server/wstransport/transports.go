package wstransport

import (
	"net"
	"sync"

	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// Transports builds the connections of one Engine.IO server and holds what
// they share: the frames of broadcasts under way, recycled buffers, the
// upgrades in progress and the metrics.
type Transports struct {
	cfg     Config
	metrics *metrics
	frames  frameCache
	// batches recycles the slices of frames that queues hold, and buffers
	// the byte slices that join a batch where the connection cannot take a
	// vectored write: an idle connection holds neither.
	batches sync.Pool
	buffers sync.Pool
	// upgrades maps a long-polling session's id to the WebSocket transport
	// probing to replace it, which inherits what the session still had
	// queued when the upgrade completes.
	upgrades sync.Map
	// wrapConn lets tests see the writes a connection makes.
	wrapConn func(net.Conn) net.Conn
}

// New returns the transports; register them with Ctors.
func New(cfg Config) *Transports {
	cfg = cfg.withDefaults()
	return &Transports{cfg: cfg, metrics: newMetrics(cfg.Metrics)}
}

// Ctors are the constructors to pass to the server's options
// (SetTransports): long-polling, upgrading to WebSocket, and WebSocket.
func (s *Transports) Ctors() *types.Set[transports.TransportCtor] {
	return types.NewSet[transports.TransportCtor](&pollingCtor{s}, &websocketCtor{s})
}

// dropped counts and logs a connection dropped for its queue.
func (s *Transports) dropped(sid, transport string, queued int64) {
	s.metrics.slowClients.Inc()
	s.cfg.Logger.Warn("disconnecting a slow client", "sid", sid, "transport", transport,
		"queued_bytes", queued, "limit_bytes", s.cfg.MaxQueuedBytes)
}

type websocketCtor struct{ s *Transports }

func (*websocketCtor) Name() string          { return transports.WEBSOCKET }
func (*websocketCtor) HandlesUpgrades() bool { return true }
func (*websocketCtor) UpgradesTo() []string  { return nil }
func (c *websocketCtor) New(ctx *types.HttpContext) transports.Transport {
	return c.s.newWebSocket(ctx)
}

type pollingCtor struct{ s *Transports }

func (*pollingCtor) Name() string          { return transports.POLLING }
func (*pollingCtor) HandlesUpgrades() bool { return false }
func (*pollingCtor) UpgradesTo() []string  { return []string{transports.WEBSOCKET} }
func (c *pollingCtor) New(ctx *types.HttpContext) transports.Transport {
	return c.s.newPolling(ctx)
}
