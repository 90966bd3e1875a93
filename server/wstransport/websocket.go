package wstransport

import (
	"net"
	"sync"
	"syscall"
	"time"

	ws "github.com/gorilla/websocket"
	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// websocketConn is one WebSocket connection. The engine upgraded it with
// gorilla/websocket, which still reads it; every write goes to the network
// connection under it, as frames built here, so that a frame can be shared
// and a batch written at once. Gorilla writes nothing: Parley answers
// pings and close frames itself, through the queue.
type websocketConn struct {
	transports.Transport

	s    *Transports
	ws   *types.WebSocketConn
	conn net.Conn
	// vectored: conn takes a batch in one writev; otherwise a batch is
	// joined into one buffer first (TLS, tests' pipes).
	vectored bool
	idle     time.Duration
	// sid is set on an upgrade candidate: the session it may replace.
	sid string

	mu  sync.Mutex
	out outbox[[]byte]
	// writing: a writer goroutine owns conn's write side; it runs only
	// while there is something to write.
	writing bool
	// closing: nothing more is queued; the writer closes conn once it has
	// written what is left.
	closing bool
	// dead: conn is closed or failed; nothing is written any more.
	dead bool
	// slow: dead because the queue passed its limit.
	slow bool

	// writer is c.write bound once: starting a goroutine on it allocates
	// nothing, where `go c.write()` allocates a closure every time.
	writer func()
	// bufs is the writer's vectored write, kept so it does not escape to
	// the heap on every write; only the running writer touches it.
	bufs net.Buffers
}

func (s *Transports) newWebSocket(ctx *types.HttpContext) transports.Transport {
	c := &websocketConn{Transport: transports.MakeTransport(), s: s, ws: ctx.Websocket, idle: ctx.IdleTimeout}
	c.Prototype(c)
	c.Construct(ctx)
	c.conn = ctx.Websocket.NetConn()
	if s.wrapConn != nil {
		c.conn = s.wrapConn(c.conn)
	}
	_, c.vectored = c.conn.(syscall.Conn)
	c.out = outbox[[]byte]{limit: s.cfg.MaxQueuedBytes, batches: &s.batches}
	c.writer = c.write
	c.ws.SetPingHandler(c.onPing)
	c.ws.SetCloseHandler(c.onCloseFrame)
	// The engine closes the connection itself when the transport's start
	// is aborted (its deadline, the session closing meanwhile).
	_ = c.ws.Once("close", func(...any) { c.OnClose() })
	c.SetWritable(true)
	if sid := ctx.Query().Peek("sid"); sid != "" {
		c.sid = sid
		s.upgrades.Store(sid, c)
	}
	transports.StartReader(c, ctx.TransportReadPermission(), c.read)
	return c
}

func (*websocketConn) Name() string { return transports.WEBSOCKET }

func (*websocketConn) HandlesUpgrades() bool { return true }

// id is the session's id: the engine tells it to the transport a session
// opens with, and an upgrade names it in its query.
func (c *websocketConn) id() string {
	if c.sid != "" {
		return c.sid
	}
	return c.Sid()
}

// Send queues packets and returns: the connection stays writable, so the
// engine hands every packet over at once and keeps no buffer of its own;
// this queue is the connection's only one.
func (c *websocketConn) Send(packets []*packet.Packet) {
	var one [1][]byte
	frames := one[:0]
	for _, p := range packets {
		f, err := c.frameOf(p)
		if err != nil {
			c.OnError("websocket encode", err)
			continue
		}
		frames = append(frames, f)
	}
	c.enqueue(frames)
	// The engine pairs each hand-over with a "drain" to settle its send
	// callbacks; "accepted" is the only completion a queue can promise.
	c.Emit("drain")
}

// killLocked discards the queue and closes conn at once.
func (c *websocketConn) killLocked() {
	if c.dead {
		return
	}
	c.dead = true
	c.out.drop()
	_ = c.conn.Close()
}

// finish closes politely: what is queued, then final (a close frame, or
// nil), is written before conn closes, within the close timeout.
func (c *websocketConn) finish(final []byte) {
	c.mu.Lock()
	if c.closing || c.dead {
		c.mu.Unlock()
		return
	}
	if final != nil && !c.out.push(final, len(final)) {
		c.killLocked()
		c.mu.Unlock()
		return
	}
	c.closing = true
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	// A peer that does not read would otherwise hold the writer forever.
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.s.cfg.CloseTimeout))
	if start {
		go c.writer()
	}
}

// DoClose is the engine closing the transport: politely (its last packets
// and a close frame go out first) unless the session was discarded.
func (c *websocketConn) DoClose(fn types.Callable) {
	if c.Discarded() {
		c.mu.Lock()
		c.killLocked()
		c.mu.Unlock()
	} else {
		c.finish(newFrame(opClose, ws.FormatCloseMessage(ws.CloseNormalClosure, "")))
	}
	if fn != nil {
		fn()
	}
}

// OnClose is the connection gone, whoever closed it.
func (c *websocketConn) OnClose() {
	c.mu.Lock()
	if !c.closing {
		c.killLocked()
	}
	c.mu.Unlock()
	if c.sid != "" {
		c.s.upgrades.CompareAndDelete(c.sid, c)
	}
	c.Transport.OnClose()
}
