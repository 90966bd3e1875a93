package wstransport

import (
	"strings"
	"sync"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// pollingConn is the library's long-polling transport (or its JSONP
// variant) with the queue in front of it. The library's polling transport
// is writable only while a poll request waits, and the engine buffers
// everything else, unbounded and out of sight. Here the session always
// says writable, so every packet reaches this queue at once, where the
// byte limit applies as on WebSocket; a waiting poll takes the whole queue
// as its answer. Most sessions spend milliseconds here before upgrading,
// but a client that never upgrades (a proxy without WebSocket) stays.
type pollingConn struct {
	transports.Transport

	s *Transports

	mu  sync.Mutex
	out outbox[*packet.Packet]
	// next is the WebSocket transport that replaced this one in an
	// upgrade: packets that still reach this one go there, in order.
	next transports.Transport
	dead bool
}

func (s *Transports) newPolling(ctx *types.HttpContext) transports.Transport {
	inner := (&transports.PollingBuilder{}).New(ctx)
	c := &pollingConn{Transport: inner, s: s, out: outbox[*packet.Packet]{limit: s.cfg.MaxQueuedBytes}}
	// The library's transport says "ready" when a poll request arrives.
	_ = inner.On("ready", func(...any) { c.flush() })
	return c
}

// Writable is always true: the queue decides, not the engine.
func (*pollingConn) Writable() bool { return true }

// Send answers a waiting poll with everything queued, or queues.
func (c *pollingConn) Send(packets []*packet.Packet) {
	c.send(packets)
	// As on WebSocket: one "drain" per hand-over settles the engine's
	// books. The library's own "drain" after each poll's answer finds
	// nothing left to settle.
	c.Emit("drain")
}

func (c *pollingConn) send(packets []*packet.Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.next != nil:
		c.next.Send(packets)
		return
	case c.dead:
		return
	case c.Transport.Writable():
		c.answerLocked(packets)
		return
	}
	for _, p := range packets {
		// A noop only completes a waiting poll, and none waits.
		if p.Type == packet.NOOP {
			continue
		}
		if !c.out.push(p, packetSize(p)) {
			queued := c.out.bytes
			c.dead = true
			c.out.drop()
			// Its close must not wait for a poll that will not come.
			c.Transport.Discard()
			c.s.dropped(c.Sid(), transports.POLLING, queued)
			// Not inline: the caller may be a broadcaster holding the
			// library's locks that closing the session needs.
			go c.OnError("slow client", ErrSlowClient)
			return
		}
	}
}

// flush answers a poll that just arrived with what is queued.
func (c *pollingConn) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil && !c.dead && c.out.len() > 0 && c.Transport.Writable() {
		c.answerLocked(nil)
	}
}

// answerLocked hands the queue and then packets to the waiting poll, which
// keeps the slice.
func (c *pollingConn) answerLocked(packets []*packet.Packet) {
	if b := c.out.take(); b != nil {
		packets = append(*b, packets...)
	}
	c.Transport.Send(packets)
}

// Discard is the engine retiring this transport: after an upgrade, what
// is still queued goes to the WebSocket transport that replaced it, ahead
// of anything sent later.
func (c *pollingConn) Discard() {
	c.Transport.Discard()
	c.mu.Lock()
	defer c.mu.Unlock()
	up, ok := c.s.upgrades.LoadAndDelete(c.Sid())
	if !ok || c.dead {
		c.out.drop()
		return
	}
	c.next = up.(transports.Transport)
	if b := c.out.take(); b != nil {
		c.next.Send(*b)
	}
}

// packetSize is what a packet adds to a poll's answer: its type, its data
// and a separator.
func packetSize(p *packet.Packet) int {
	switch d := p.Data.(type) {
	case types.BufferInterface:
		return 2 + d.Len()
	case *strings.Reader:
		return 2 + d.Len()
	}
	return 2
}
