package parleyclient

import (
	"errors"
	"time"

	"github.com/zishang520/socket.io/clients/engine/v3"
)

// The Socket.IO client connects a socket in two steps: its manager opens
// the Engine.IO connection, then the socket sends CONNECT. Letting the
// socket drive both (Socket.Connect) is racy in this Go port: Connect
// opens the manager and then checks whether it is open, and a manager that
// opened in between has already sent CONNECT, so it is sent twice and the
// server keeps two sockets for the client, each event arriving twice. So
// the client opens the manager itself and attaches the socket once it is
// open (connect, onManagerOpen); the Socket.IO client's own reconnections
// reopen the manager with the socket attached, which is not racy.
//
// Manager.Open has races of its own: it starts the connection before it
// listens to it, and a server close by can open it (or a WebSocket that
// cannot dial can fail) in between; the manager then waits out its
// connection timeout instead of going on. watchOpen and checkOpen tell it
// what it missed.

// connect opens the manager with the socket to be attached, unless the
// client is closed. The first dial happens on the caller's goroutine.
func (c *Client) connect() {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.attach = true
	c.mu.Unlock()
	c.watchOpen()
	c.sock.Io().Open(nil)
}

// onManagerOpen runs on the goroutine that opened the connection, before
// the manager reads anything from it: CONNECT sent here cannot be answered
// before the manager listens for the answer.
func (c *Client) onManagerOpen() {
	c.mu.Lock()
	c.engineHeard = true
	attach := c.attach && !c.announcing
	if attach {
		c.attach = false
	}
	c.mu.Unlock()
	if attach {
		c.attachSocket()
	}
}

func (c *Client) attachSocket() {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if !closed {
		c.sock.Connect()
	}
}

// openChecks are when, after a connection attempt starts, checkOpen looks.
func openChecks() []time.Duration {
	return []time.Duration{50 * time.Millisecond, 250 * time.Millisecond, time.Second, 3 * time.Second}
}

// settle is how long an engine must stay open or closed unheard before
// checkOpen acts: a manager that was listening hears of it within
// microseconds.
const settle = 20 * time.Millisecond

func (c *Client) watchOpen() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.engineHeard = false
	c.openGen++
	gen := c.openGen
	for _, t := range c.openTimers {
		t.Stop()
	}
	c.openTimers = c.openTimers[:0]
	for _, d := range openChecks() {
		c.openTimers = append(c.openTimers, time.AfterFunc(d, func() { c.spawn(func() { c.checkOpen(gen) }) }))
	}
}

func (c *Client) checkOpen(gen int) {
	unheard := func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return !c.engineHeard && gen == c.openGen && !c.closed
	}
	e := c.sock.Io().Engine()
	if !unheard() || e == nil {
		return
	}
	state := e.ReadyState()
	if state != engine.SocketStateOpen && state != engine.SocketStateClosed {
		return
	}
	select {
	case <-time.After(settle):
	case <-c.ctx.Done():
		return
	}
	if !unheard() || e.ReadyState() != state || c.sock.Io().Engine() != e {
		return
	}
	if state == engine.SocketStateOpen && !c.sock.Active() {
		c.announceOpen(e)
		return
	}
	// A failed attempt, or an open one that an attached socket would
	// connect over before the manager listens to it: the manager fails
	// the attempt and tries again.
	c.log.Debug("parley: failing a connection attempt the Socket.IO manager lost track of", "state", state)
	e.Close()
	e.Emit("error", errors.New("the connection attempt was lost"))
}

// announceOpen tells the manager its engine opened; with no socket
// attached yet, it only listens, and the socket is attached after.
func (c *Client) announceOpen(e engine.Socket) {
	c.log.Debug("parley: announcing an open connection the Socket.IO manager missed")
	c.mu.Lock()
	c.announcing = true
	c.mu.Unlock()
	e.Emit("open")
	c.mu.Lock()
	c.announcing = false
	attach := c.attach
	c.attach = false
	c.mu.Unlock()
	if attach {
		c.attachSocket()
	}
}
