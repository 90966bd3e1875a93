// Package eio is the smallest client of Socket.IO v5 over Engine.IO v4
// (the socket.io-client v4 line) that the benchmarks need: WebSocket
// transport only, namespace "/", text packets only. The load generator
// speaks the protocol itself rather than through a full client library so
// that one process can hold 10,000 sockets and stamp every received frame
// the moment it is read, with a few hundred bytes of work per frame.
package eio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Dialer opens connections. Its WebSocket dialer is shared, so the write
// buffers of idle sockets come from one pool instead of one each.
type Dialer struct {
	ws *websocket.Dialer
}

// NewDialer returns a Dialer with small buffers: every frame of the load is
// well under a kilobyte, and the idle mode holds 10,000 sockets.
func NewDialer() *Dialer {
	return &Dialer{ws: &websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   2048,
		WriteBufferSize:  2048,
		WriteBufferPool:  &sync.Pool{},
	}}
}

// ConnectError is the server's refusal of the Socket.IO CONNECT (packet 44).
type ConnectError struct{ Body string }

func (e *ConnectError) Error() string { return "connect refused: " + e.Body }

// Conn is one Socket.IO socket on its own WebSocket connection.
type Conn struct {
	ws  *websocket.Conn
	wmu sync.Mutex
	SID string

	pmu     sync.Mutex
	pending map[uint64]chan []byte
	nextID  uint64

	// OnEvent gets every EVENT packet ("42..."), OnAck every ACK ("43") whose
	// id no Call is waiting for, with the packet's id and the bytes after it.
	// Both run on the read loop and must not keep the slice.
	OnEvent func(frame []byte)
	OnAck   func(id uint64, body []byte)

	done chan struct{}
	err  error
}

// Dial opens a WebSocket to base (http://host:port), reads the Engine.IO
// OPEN packet, sends CONNECT with auth {token} and waits for the server's
// CONNECT answer. The read loop is not running yet: set the handlers, then
// call Run.
func (d *Dialer) Dial(ctx context.Context, base, token string) (*Conn, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	u.Scheme = "ws"
	u.Path = "/socket.io/"
	u.RawQuery = "EIO=4&transport=websocket"
	ws, resp, err := d.ws.DialContext(ctx, u.String(), http.Header{})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("websocket: %w (HTTP %d)", err, resp.StatusCode)
		}
		return nil, fmt.Errorf("websocket: %w", err)
	}
	c := &Conn{ws: ws, pending: map[uint64]chan []byte{}, done: make(chan struct{})}
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.SetReadDeadline(dl)
	}
	if err := c.handshake(token); err != nil {
		_ = ws.Close()
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Time{})
	return c, nil
}

func (c *Conn) handshake(token string) error {
	_, open, err := c.ws.ReadMessage()
	if err != nil {
		return fmt.Errorf("read OPEN: %w", err)
	}
	if len(open) == 0 || open[0] != '0' {
		return fmt.Errorf("expected OPEN, got %.60q", open)
	}
	auth, _ := json.Marshal(map[string]string{"token": token})
	if err := c.write(append([]byte("40"), auth...)); err != nil {
		return fmt.Errorf("send CONNECT: %w", err)
	}
	for {
		_, p, err := c.ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("read CONNECT: %w", err)
		}
		switch {
		case bytes.HasPrefix(p, []byte("40")):
			var ok struct {
				SID string `json:"sid"`
			}
			if err := json.Unmarshal(p[2:], &ok); err != nil {
				return fmt.Errorf("CONNECT answer %.80q: %w", p, err)
			}
			c.SID = ok.SID
			return nil
		case bytes.HasPrefix(p, []byte("44")):
			return &ConnectError{Body: string(p[2:])}
		case len(p) == 1 && p[0] == '2':
			if err := c.write([]byte{'3'}); err != nil {
				return err
			}
		case len(p) > 0 && p[0] == '1':
			return errors.New("closed by the server during the handshake")
		}
	}
}

func (c *Conn) write(p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.TextMessage, p)
}

// Send writes one raw Socket.IO packet ("42...", from AppendEvent).
func (c *Conn) Send(p []byte) error { return c.write(p) }

// Done is closed when the read loop has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is why the read loop ended (nil before).
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Run reads until the connection ends: it answers pings, hands events and
// acks to the handlers and completes Calls. It reuses one buffer, so a
// frame costs no allocation here.
func (c *Conn) Run() {
	defer close(c.done)
	buf := make([]byte, 0, 1024)
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			c.err = err
			c.failPending()
			return
		}
		buf, err = readAll(r, buf[:0])
		if err != nil {
			c.err = err
			c.failPending()
			return
		}
		if !c.dispatch(buf) {
			c.err = errors.New("closed by the server")
			c.failPending()
			_ = c.ws.Close()
			return
		}
	}
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// dispatch handles one packet; false means the server closed the socket.
func (c *Conn) dispatch(p []byte) bool {
	if len(p) == 0 {
		return true
	}
	switch p[0] {
	case '2': // Engine.IO PING
		_ = c.write([]byte{'3'})
		return true
	case '1': // Engine.IO CLOSE
		return false
	case '4':
	default:
		return true
	}
	if len(p) < 2 {
		return true
	}
	switch p[1] {
	case '2':
		if c.OnEvent != nil {
			c.OnEvent(p)
		}
	case '3':
		id, rest, ok := ParseAckID(p[2:])
		if !ok {
			return true
		}
		c.pmu.Lock()
		ch, waiting := c.pending[id]
		delete(c.pending, id)
		c.pmu.Unlock()
		if waiting {
			ch <- bytes.Clone(rest)
		} else if c.OnAck != nil {
			c.OnAck(id, rest)
		}
	case '1': // Socket.IO DISCONNECT from the server
		return false
	}
	return true
}

func (c *Conn) failPending() {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
}

// ParseAckID splits the digits at the start of p from the rest.
func ParseAckID(p []byte) (id uint64, rest []byte, ok bool) {
	i := 0
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		id = id*10 + uint64(p[i]-'0')
		i++
	}
	return id, p[i:], i > 0
}

// callIDLimit keeps the ids of Calls apart from the ids the load generator
// picks for its own sends (see AckBase).
const callIDLimit = 1 << 30

// AckBase is the smallest ack id a caller of AppendEvent may use without
// colliding with Call's.
const AckBase = callIDLimit

// Call emits event with payload and waits for its ack, returning the ack's
// first argument.
func (c *Conn) Call(ctx context.Context, event string, payload any) (json.RawMessage, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	ch := make(chan []byte, 1)
	c.pmu.Lock()
	c.nextID++
	id := c.nextID % callIDLimit
	c.pending[id] = ch
	c.pmu.Unlock()
	if err := c.write(AppendEvent(nil, id, true, event, body)); err != nil {
		return nil, err
	}
	select {
	case ack, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: connection closed before the ack", event)
		}
		var args []json.RawMessage
		if err := json.Unmarshal(ack, &args); err != nil || len(args) == 0 {
			return nil, fmt.Errorf("%s: malformed ack %.80q", event, ack)
		}
		return args[0], nil
	case <-ctx.Done():
		c.pmu.Lock()
		delete(c.pending, id)
		c.pmu.Unlock()
		return nil, fmt.Errorf("%s: %w", event, ctx.Err())
	}
}

// AppendEvent appends the EVENT packet 42[<id>]["event",payload] to dst;
// payload is JSON.
func AppendEvent(dst []byte, id uint64, withAck bool, event string, payload []byte) []byte {
	dst = append(dst, '4', '2')
	if withAck {
		dst = strconv.AppendUint(dst, id, 10)
	}
	dst = append(dst, '[', '"')
	dst = append(dst, event...)
	dst = append(dst, '"', ',')
	dst = append(dst, payload...)
	return append(dst, ']')
}

// Close leaves the namespace and closes the WebSocket politely, then the
// TCP connection; it does not wait for the read loop.
func (c *Conn) Close() error {
	c.wmu.Lock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(time.Second))
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte("41"))
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c.wmu.Unlock()
	return c.ws.Close()
}

// Hangup is Close for a connection whose read loop is not running: after
// the close frame it reads until the server's answer (at most timeout), so
// the connection ends as a browser's does, with a close handshake and FIN
// both ways, not a reset over unread data.
func (c *Conn) Hangup(timeout time.Duration) error {
	c.wmu.Lock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(timeout))
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte("41"))
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c.wmu.Unlock()
	_ = c.ws.SetReadDeadline(time.Now().Add(timeout))
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			break
		}
	}
	return c.ws.Close()
}
