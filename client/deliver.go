package parleyclient

import (
	"github.com/parley-chat/parley/protocol"
)

// serverEvents are the server -> client events handed to the delivery loop.
func serverEvents() []string {
	return []string{
		protocol.EventMessage, protocol.EventStream, protocol.EventTyping,
		protocol.EventPresence, protocol.EventMember, protocol.EventDeleted,
	}
}

// deliver is the delivery loop: the one goroutine that runs handlers and
// owns message ordering, so handlers see events in arrival order and
// messages in seq order.
func (c *Client) deliver() {
	for {
		it, ok := c.inbox.pop(c.ctx)
		if !ok {
			return
		}
		switch it.kind {
		case itemConnected:
			if c.opts.OnConnect != nil {
				c.opts.OnConnect(c)
			}
			c.catchUp()
			c.readyOnce.Do(func() { close(c.ready) })
		case itemDisconnected:
			if c.opts.OnDisconnect != nil {
				c.opts.OnDisconnect(c, it.reason)
			}
		case itemResync:
			c.catchUp()
		case itemEvent:
			c.dispatch(it.event, it.payload)
		}
	}
}

func (c *Client) dispatch(event string, payload any) {
	switch event {
	case protocol.EventMessage:
		if c.opts.OnMessage == nil {
			return
		}
		if m, ok := decodeEvent[protocol.Message](c, event, payload); ok {
			c.handOver(c.seq.live(m))
			switch {
			case !c.seq.known(m.Room):
				// nothing to wait for: what precedes it is the server's to say
				c.scheduleResync(0)
			case len(c.seq.waiting()) > 0:
				c.scheduleResync(gapWait)
			}
		}
	case protocol.EventStream:
		handle(c, event, payload, c.opts.OnStream)
	case protocol.EventTyping:
		handle(c, event, payload, c.opts.OnTyping)
	case protocol.EventPresence:
		handle(c, event, payload, c.opts.OnPresence)
	case protocol.EventMember:
		handle(c, event, payload, c.opts.OnMember)
	case protocol.EventDeleted:
		handle(c, event, payload, c.opts.OnDeleted)
	}
}

func handle[T any](c *Client, event string, payload any, fn func(*Client, T)) {
	if fn == nil {
		return
	}
	if v, ok := decodeEvent[T](c, event, payload); ok {
		fn(c, v)
	}
}

func decodeEvent[T any](c *Client, event string, payload any) (T, bool) {
	v, err := decode[T](payload)
	if err != nil {
		c.log.Warn("parley: undecodable event dropped", "event", event, "err", err)
		return v, false
	}
	return v, true
}

// handOver gives messages to OnMessage, stopping when the client closes.
func (c *Client) handOver(msgs []protocol.Message) {
	for _, m := range msgs {
		if c.ctx.Err() != nil {
			return
		}
		c.opts.OnMessage(c, m)
	}
}
