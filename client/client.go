package parleyclient

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	sio "github.com/zishang520/socket.io/clients/socket/v3"
)

// Client is one Socket.IO connection to Parley as one account, with its
// reconnections. Its methods are safe for concurrent use.
type Client struct {
	opts    Options
	baseURL string
	log     *slog.Logger

	ctx    context.Context // done once Close starts
	cancel context.CancelFunc
	inbox  *inbox
	seq    *sequencer

	// emitMu serializes the Socket.IO client's per-emit modifiers
	// (Timeout) with the emit they modify.
	emitMu sync.Mutex
	// lifeMu serializes opening, attaching and closing the socket.
	lifeMu sync.Mutex
	sock   *sio.Socket
	auth   map[string]any // the socket's handshake auth, refreshed in place

	mu            sync.Mutex
	closed        bool
	wg            sync.WaitGroup // every goroutine the client started
	token         string
	revives       int // refused (re)connections since the last connect
	reviver       *time.Timer
	resync        *time.Timer
	resyncPending bool
	skills        map[string]*skillEntry
	connected     bool
	sessionEnded  bool  // the server said session:ended: the token is dead
	connections   int   // connects so far, to tell a reconnection happened
	lastErr       error // the last failed connection attempt, for Dial's error
	// See attach.go.
	attach      bool // attach the socket once the manager opens
	announcing  bool // checkOpen is telling the manager its engine opened
	engineHeard bool // the manager heard its current engine open
	openGen     int  // connection attempts, to tell checks of old ones
	openTimers  []*time.Timer

	dialErr   chan error    // a refused first handshake, for Dial
	ready     chan struct{} // closed after the first connect's catch-up
	readyOnce sync.Once

	closeOnce sync.Once
}

// Dial connects to the Parley server at baseURL (scheme, host and any
// path prefix it is served under) with auth {token}, and returns once
// connected and, with OnMessage set, once what was missed since
// opts.Cursors has been delivered. It keeps waiting through refused
// connections (the server is starting) until ctx is done; a handshake the
// server refuses returns an *Error (code UNAUTHORIZED for a bad token).
func Dial(ctx context.Context, baseURL, token string, opts Options) (*Client, error) {
	opts = opts.withDefaults()
	socketURL, path, err := socketAddress(baseURL)
	if err != nil {
		return nil, err
	}
	for room, seq := range opts.Cursors {
		if seq < 0 {
			return nil, fmt.Errorf("parleyclient: the cursor of room %q is negative", room)
		}
	}
	if token == "" && opts.TokenFunc != nil {
		if token, err = opts.TokenFunc(ctx); err != nil {
			return nil, fmt.Errorf("parleyclient: token: %w", err)
		}
	}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		opts: opts, baseURL: strings.TrimRight(baseURL, "/"), log: opts.Logger,
		ctx: cctx, cancel: cancel, inbox: newInbox(), seq: newSequencer(opts.Cursors),
		token: token, auth: map[string]any{"token": token}, skills: map[string]*skillEntry{},
		dialErr: make(chan error, 1), ready: make(chan struct{}),
	}
	c.sock, err = c.newSocket(socketURL, path)
	if err != nil {
		cancel()
		return nil, err
	}
	c.spawn(c.deliver)
	c.connect()

	select {
	case <-c.ready:
		return c, nil
	case err := <-c.dialErr:
		c.Close()
		return nil, err
	case <-ctx.Done():
		c.mu.Lock()
		last := c.lastErr
		c.mu.Unlock()
		c.Close()
		if last != nil {
			return nil, fmt.Errorf("parleyclient: dial %s: %w (last attempt: %v)", baseURL, ctx.Err(), last)
		}
		return nil, fmt.Errorf("parleyclient: dial %s: %w", baseURL, ctx.Err())
	}
}

// socketAddress splits baseURL into the Socket.IO server's origin and the
// path the server's /socket.io/ lives under, so a namespace is never taken
// from a path prefix.
func socketAddress(baseURL string) (origin, path string, err error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", fmt.Errorf("parleyclient: base URL %q must be http(s)://host[:port][/prefix]", baseURL)
	}
	return u.Scheme + "://" + u.Host, u.Path + "/socket.io", nil
}

// Close disconnects and waits for the client's goroutines, including a
// handler that is running (so a handler must not call it). Safe to call
// more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		for _, t := range append([]*time.Timer{c.reviver, c.resync}, c.openTimers...) {
			if t != nil {
				t.Stop()
			}
		}
		c.mu.Unlock()
		c.cancel()
		c.lifeMu.Lock()
		c.sock.Close()
		c.lifeMu.Unlock()
		c.wg.Wait()
	})
	return nil
}

// Connected reports whether the socket is connected right now.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected
}

// Cursors returns the last seq delivered to OnMessage per room: pass it
// as Options.Cursors to carry on where this client stopped.
func (c *Client) Cursors() map[string]int64 { return c.seq.cursors() }

// spawn runs fn on a goroutine that Close waits for, unless the client is
// closed already.
func (c *Client) spawn(fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn()
	}()
}

// emitting runs fn with the socket, alone among emitters.
func (c *Client) emitting(fn func(*sio.Socket)) {
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	fn(c.sock)
}

func (c *Client) currentToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// callContext applies CallTimeout to a context without a deadline.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.opts.CallTimeout)
}
