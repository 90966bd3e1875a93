// Package wstransport is Parley's Engine.IO WebSocket transport, and the
// library's long-polling transport wrapped to share its rules, registered
// through the engine's public transport constructors
// (config.ServerOptions.SetTransports).
//
// What it changes from the library's transports, and why:
//
//   - A broadcast is framed once. The Socket.IO adapter encodes a broadcast
//     once and hands every recipient the same buffer (packet.Options
//     .WsPreEncodedFrame); a server frame is never masked, so the WebSocket
//     frame of that buffer is the same bytes for everyone. It is built on
//     the first recipient and found by the buffer's identity for the rest.
//   - Each connection has one outbound queue, bounded in bytes. Its writer
//     takes everything queued at each wake-up and writes it with one
//     vectored write, so a busy room costs one syscall per socket per batch,
//     not one per message.
//   - A connection whose queue passes the limit is dropped there and then,
//     and counted: no per-packet listener watches the queue from outside.
//   - An idle connection holds one goroutine (its reader) and no write
//     buffer: the writer runs only while there is something to write.
package wstransport

import (
	"errors"
	"log/slog"
	"time"

	"github.com/parley-chat/parley/monitoring"
)

// ErrSlowClient is the transport error of a connection dropped because its
// outbound queue passed Config.MaxQueuedBytes.
var ErrSlowClient = errors.New("slow client: outbound queue over its byte limit")

// Config configures the transports. Zero values take the defaults noted.
type Config struct {
	// MaxQueuedBytes bounds the bytes that may wait for one connection,
	// accepted but not yet handed to the kernel (4 MiB). Past it the
	// connection is dropped and counted; its user catches up with `sync`.
	// A connection with nothing waiting always takes the next frame,
	// whatever its size, so one large answer (a `sync` page) never drops a
	// client by itself.
	//
	// 4 MiB: the kernel's send buffer (up to 4 MiB by default on Linux)
	// absorbs a short stall before anything waits here, so what waits is a
	// client that has not read for a while: at a busy room's 20 KB/s that
	// is minutes; at a flood of 1,000 messages/s of 400 bytes, ten seconds.
	// It is also what the old rule of 1,024 packets allowed for packets of
	// 4 KiB. The memory is bounded by slow clients, not by all clients, and
	// a broadcast's frame is shared by every queue holding it.
	MaxQueuedBytes int64
	// CloseTimeout bounds flushing what is queued when a connection is
	// closed politely (2s): the last packets and a close frame are small,
	// and a peer that cannot take them in that time is gone.
	CloseTimeout time.Duration
	// Metrics receives the transport's metrics (nil: a private registry).
	Metrics *monitoring.Registry
	// Logger hears of dropped clients (nil: slog.Default()).
	Logger *slog.Logger
}

// DefaultMaxQueuedBytes is Config.MaxQueuedBytes's default.
const DefaultMaxQueuedBytes = 4 << 20

func (c Config) withDefaults() Config {
	if c.MaxQueuedBytes <= 0 {
		c.MaxQueuedBytes = DefaultMaxQueuedBytes
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
