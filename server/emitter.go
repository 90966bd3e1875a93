package server

import (
	"log/slog"
	"time"

	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server/wstransport"
)

// Socket.IO room names: one per Parley room and one per user, so a broadcast
// reaches every socket on every node through the adapter.
func roomChannel(id string) socket.Room { return socket.Room("room:" + id) }
func userChannel(id string) socket.Room { return socket.Room("user:" + id) }

// connectTimeout bounds the time between opening a connection and its
// Socket.IO CONNECT.
const connectTimeout = 5 * time.Second

// SocketOptions are the Socket.IO server's limits. Zero values take the
// defaults noted.
type SocketOptions struct {
	// MaxFrame bounds one incoming frame (128 KiB); a larger one
	// disconnects that socket.
	MaxFrame int64
	// PingInterval and PingTimeout (25s, 20s) make the server notice peers
	// that vanished without closing their TCP connection.
	PingInterval time.Duration
	PingTimeout  time.Duration
	// Adapter shares rooms between nodes (nil: this node only).
	Adapter socket.AdapterConstructor
	// MaxQueuedBytes bounds what may wait for one connection that does
	// not read (wstransport.DefaultMaxQueuedBytes); past it the connection
	// is dropped and counted in parley_slow_clients_disconnected_total.
	MaxQueuedBytes int64
	// Metrics receives the transports' metrics (nil: a private registry).
	Metrics *monitoring.Registry
	// Logger hears of dropped slow clients (nil: slog.Default()).
	Logger *slog.Logger
}

// NewSocketServer builds the Socket.IO server with Parley's limits, on
// Parley's transports (wstransport).
func NewSocketServer(o SocketOptions) *socket.Server {
	t := wstransport.New(wstransport.Config{MaxQueuedBytes: o.MaxQueuedBytes, Metrics: o.Metrics, Logger: o.Logger})
	return newSocketServer(o, t.Ctors())
}

// newSocketServer builds the server on the given transports; benchmarks
// compare them with the library's.
func newSocketServer(o SocketOptions, ctors *types.Set[transports.TransportCtor]) *socket.Server {
	if o.MaxFrame <= 0 {
		o.MaxFrame = 128 << 10
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
	opts := socket.DefaultServerOptions()
	opts.SetMaxHttpBufferSize(o.MaxFrame)
	opts.SetPingInterval(o.PingInterval)
	opts.SetPingTimeout(o.PingTimeout)
	// A connection whose Socket.IO CONNECT never arrives is closed after
	// this, so it holds no resources for long and a client that lost its
	// CONNECT on the way retries.
	opts.SetConnectTimeout(connectTimeout)
	opts.SetServeClient(false)
	opts.SetTransports(ctors)
	if o.Adapter != nil {
		opts.SetAdapter(o.Adapter)
	}
	return socket.NewServer(nil, opts)
}

// Emitter implements rooms.Emitter over a Socket.IO server.
type Emitter struct {
	io  *socket.Server
	log *slog.Logger
}

var _ rooms.Emitter = (*Emitter)(nil)

// NewEmitter wraps io; log (nil: discarded) hears of payloads that cannot
// be encoded.
func NewEmitter(io *socket.Server, log *slog.Logger) *Emitter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Emitter{io: io, log: log}
}

// Emit broadcasts through the adapter, so other nodes deliver too.
func (e *Emitter) Emit(t rooms.Target, event string, payload any) {
	e.emit(t, event, payload)
}

// EmitCounted broadcasts and returns the number of local sockets addressed.
func (e *Emitter) EmitCounted(t rooms.Target, event string, payload any) int {
	chans := e.emit(t, event, payload)
	if len(chans) == 0 {
		return 0
	}
	return e.localCount(chans, t.ExceptUser)
}

func (e *Emitter) emit(t rooms.Target, event string, payload any) []socket.Room {
	chans := make([]socket.Room, 0, len(t.Rooms)+len(t.Users))
	for _, r := range t.Rooms {
		chans = append(chans, roomChannel(r))
	}
	for _, u := range t.Users {
		chans = append(chans, userChannel(u))
	}
	if len(chans) == 0 {
		return nil
	}
	data, err := encodeWire(payload)
	if err != nil {
		// Payloads are Parley's own types: this is a programming error.
		e.log.Error("event not sent", "event", event, "err", err)
		return nil
	}
	// One broadcast per Socket.IO room, each excepting the rooms before it,
	// so a socket in several of them still gets the event once. A single
	// broadcast to several rooms would be simpler, but the Redis adapter
	// (v3.0.2) publishes it on its namespace channel, which the other nodes'
	// adapters discard as "shorter than expected": it would never leave
	// this node.
	except := make([]socket.Room, 0, len(chans))
	if t.ExceptUser != "" {
		except = append(except, userChannel(t.ExceptUser))
	}
	for _, ch := range chans {
		op := e.io.To(ch)
		if len(except) > 0 {
			op = op.Except(except...)
		}
		_ = op.Emit(event, data)
		except = append(except, ch)
	}
	return chans
}

func (e *Emitter) localCount(chans []socket.Room, except string) int {
	adapter := e.io.Sockets().Adapter()
	// A message goes to one room with no exception: its size is the count,
	// read without walking its sockets.
	if len(chans) == 1 && except == "" {
		if ids, ok := adapter.Rooms().Load(chans[0]); ok {
			return ids.Len()
		}
		return 0
	}
	ids := adapter.Sockets(types.NewSet(chans...))
	n := ids.Len()
	if except != "" {
		ex := adapter.Sockets(types.NewSet(userChannel(except)))
		for _, id := range ex.Keys() {
			if ids.Has(id) {
				n--
			}
		}
	}
	return n
}

// JoinRoom subscribes this node's sockets of userID, before it returns.
// Through the Redis adapter (v3.0.2) a plain SocketsJoin only publishes a
// request, which even this node applies only when Redis sends it back, and
// whose failure is only an "error" event: the hub's Peers carry the change
// to the other nodes instead, and wait for them.
func (e *Emitter) JoinRoom(userID, roomID string) {
	e.io.Local().In(userChannel(userID)).SocketsJoin(roomChannel(roomID))
}

// LeaveRoom unsubscribes this node's sockets of userID, before it returns.
func (e *Emitter) LeaveRoom(userID, roomID string) {
	e.io.Local().In(userChannel(userID)).SocketsLeave(roomChannel(roomID))
}
