package parleyclient

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"github.com/parley-chat/parley/protocol"
)

// Defaults of Options.
const (
	DefaultCallTimeout       = 10 * time.Second
	DefaultReconnectDelay    = time.Second
	DefaultReconnectDelayMax = 5 * time.Second
)

// Options configures Dial. Handlers are given the client, so they can
// answer even while Dial has not returned yet (the first catch-up is
// delivered before it does). All handlers run on one goroutine, in the
// order the events arrived; none of them may call Close (use go c.Close()).
type Options struct {
	// OnMessage gets every message of the caller's rooms, in seq order
	// per room, exactly once, including those missed while disconnected
	// and the caller's own. Without it, messages are neither tracked nor
	// caught up.
	OnMessage  func(*Client, protocol.Message)
	OnStream   func(*Client, protocol.StreamEvent)
	OnTyping   func(*Client, protocol.TypingEvent)
	OnPresence func(*Client, protocol.PresenceEvent)
	OnMember   func(*Client, protocol.MemberEvent)
	OnDeleted  func(*Client, protocol.DeletedEvent)
	// OnConnect runs on every (re)connection, before the catch-up it
	// triggers; OnDisconnect gets the Socket.IO reason.
	OnConnect    func(*Client)
	OnDisconnect func(c *Client, reason string)

	// Cursors are the last seqs already handled per room (from Cursors()
	// of an earlier run): catch-up starts after them. A room without one
	// starts after the server's read cursor, so unread messages arrive.
	Cursors map[string]int64

	// TokenFunc, when set, fetches a fresh token whenever the server
	// refuses the current one or ends the session because it expired or
	// was revoked (session:ended; services' tokens expire within the hour),
	// and gives Dial its first token when token is "". Without it the
	// client stays disconnected after session:ended.
	TokenFunc func(context.Context) (string, error)

	// CallTimeout bounds calls whose context has no deadline.
	CallTimeout time.Duration
	// ReconnectDelay and ReconnectDelayMax bound the backoff between
	// reconnection attempts.
	ReconnectDelay    time.Duration
	ReconnectDelayMax time.Duration

	// HTTPClient makes the client's REST requests (default
	// http.DefaultClient).
	HTTPClient *http.Client
	// Logger gets what goes wrong in the background (a failed catch-up, an
	// undecodable event, a refused reconnection); default slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.ReconnectDelay <= 0 {
		o.ReconnectDelay = DefaultReconnectDelay
	}
	if o.ReconnectDelayMax < o.ReconnectDelay {
		o.ReconnectDelayMax = max(DefaultReconnectDelayMax, o.ReconnectDelay)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Cursors = maps.Clone(o.Cursors)
	return o
}
