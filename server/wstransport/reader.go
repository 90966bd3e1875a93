package wstransport

import (
	"errors"
	"io"
	"net"
	"time"

	ws "github.com/gorilla/websocket"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// read is the reader goroutine: the connection's one goroutine while idle.
func (c *websocketConn) read() {
	for {
		if c.idle > 0 {
			_ = c.ws.SetReadDeadline(time.Now().Add(c.idle))
		}
		mt, r, err := c.ws.NextReader()
		if err != nil {
			c.readEnded(err)
			return
		}
		var data types.BufferInterface
		if mt == ws.BinaryMessage {
			data = types.NewBytesBuffer(nil)
		} else {
			data = types.NewStringBuffer(nil)
		}
		if _, err := data.ReadFrom(r); err != nil {
			c.readEnded(err)
			return
		}
		c.OnData(data)
	}
}

// readEnded tells the engine why the connection ended, as the library's
// transport does (a close, or a transport error), or that it was dropped
// for its queue.
func (c *websocketConn) readEnded(err error) {
	c.mu.Lock()
	slow := c.slow
	c.mu.Unlock()
	switch {
	case slow:
		c.OnError("slow client", ErrSlowClient)
	case ws.IsUnexpectedCloseError(err), errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF):
	default:
		c.OnError("websocket error", err)
	}
	// A close frame from the peer left its echo queued: let it go out.
	c.finish(nil)
	c.OnClose()
}

// onPing answers a ping frame through the queue: gorilla's own answer
// would write to conn beside the writer.
func (c *websocketConn) onPing(data string) error {
	c.enqueue([][]byte{newFrame(opPong, []byte(data))})
	return nil
}

// onCloseFrame echoes the peer's close (RFC 6455 §5.5.1) through the
// queue, after what is already queued.
func (c *websocketConn) onCloseFrame(code int, _ string) error {
	c.finish(newFrame(opClose, ws.FormatCloseMessage(code, "")))
	return nil
}
