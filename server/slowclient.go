package server

import (
	"sync/atomic"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// guardSlowClient bounds what may wait in one connection's write buffer.
// Socket.IO never blocks a broadcast on a slow reader: it appends to that
// connection's buffer, which would otherwise grow without limit while the
// peer does not read. Past the limit the connection is dropped and counted;
// its user catches up with `sync` after reconnecting.
func (s *Server) guardSlowClient(sock *socket.Socket) {
	conn := sock.Conn()
	var queued atomic.Int64
	var dropped atomic.Bool
	_ = conn.On("packetCreate", func(...any) {
		if queued.Add(1) <= int64(s.cfg.MaxQueuedPackets) || !dropped.CompareAndSwap(false, true) {
			return
		}
		s.slowClients.Inc()
		s.log.Warn("disconnecting a slow client", "socket", string(sock.Id()), "queued", queued.Load())
		// Discard, not a polite close: a polite close first waits for the
		// backlog to drain, which is exactly what this peer does not do.
		// Not inline: the broadcaster that called us may hold locks that
		// closing the connection needs.
		go conn.Close(true)
	})
	_ = conn.On("flush", func(args ...any) {
		if len(args) == 0 {
			return
		}
		if wbuf, ok := args[0].([]*packet.Packet); ok {
			queued.Add(-int64(len(wbuf)))
		}
	})
}
