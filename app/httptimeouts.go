package app

import (
	"fmt"
	"time"
)

// pollMargin is added to the ping interval for the default read and write
// timeouts: time for the poll's answer to be written, and for a loaded
// node or a slow network.
const pollMargin = 15 * time.Second

// httpTimeouts are the listener's read, write and idle timeouts.
//
// They must not cut an Engine.IO long-poll: the server holds a polling GET
// open until it has packets for the client or sends its next ping, so a
// poll lasts up to the ping interval. WriteTimeout runs from the end of the
// request's headers to the end of its response, so it must exceed that.
// ReadTimeout should too: net/http keeps its read deadline while the
// handler runs, and when it passes, its background read cancels the
// request's context and the connection is not reused. The engine does not
// watch that context today (a 1s read timeout under a 2s poll was tried:
// the poll still answered), but a handler or a library version that did
// would end the poll. Hence both default to the ping interval plus a
// margin rather than to a fixed figure: they still bound a client
// dribbling a body or reading a response slowly.
// WebSocket connections are hijacked and net/http clears the deadlines of
// a hijacked connection, so neither applies to them (the heartbeat bounds
// them). IdleTimeout closes keep-alive connections that sit unused.
func (c Config) httpTimeouts() (read, write, idle time.Duration) {
	read, write, idle = c.HTTPReadTimeout, c.HTTPWriteTimeout, c.HTTPIdleTimeout
	if read <= 0 {
		read = c.PingInterval + pollMargin
	}
	if write <= 0 {
		write = c.PingInterval + pollMargin
	}
	if idle <= 0 {
		idle = 120 * time.Second
	}
	return read, write, idle
}

// checkHTTPTimeouts refuses read and write timeouts that would cut every
// long-poll (see httpTimeouts).
func (c Config) checkHTTPTimeouts() error {
	for _, t := range []struct {
		env string
		d   time.Duration
	}{{"PARLEY_HTTP_READ_TIMEOUT", c.HTTPReadTimeout}, {"PARLEY_HTTP_WRITE_TIMEOUT", c.HTTPWriteTimeout}} {
		if t.d > 0 && t.d <= c.PingInterval {
			return fmt.Errorf("%s (%s) must exceed PARLEY_PING_INTERVAL (%s): a long-polling request lasts up to the ping interval", t.env, t.d, c.PingInterval)
		}
	}
	return nil
}
