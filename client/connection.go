package parleyclient

import (
	"errors"
	"fmt"
	"time"

	sio "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// serverDisconnect is the Socket.IO reason for a server that dropped the
// socket on purpose; the Socket.IO client does not reconnect after it.
const serverDisconnect = "io server disconnect"

// connectTimeout bounds one connection attempt (the Socket.IO client's
// default is 20 s).
const connectTimeout = 10 * time.Second

// newSocket builds the Socket.IO client without connecting it, so every
// listener is in place before the first packet can arrive.
func (c *Client) newSocket(origin, path string) (*sio.Socket, error) {
	o := sio.DefaultOptions()
	o.SetPath(path)
	// WebSocket only. The default set adds WebTransport, which Parley does
	// not serve, and the Socket.IO client tries a set's transports in
	// random order; and its upgrade from long-polling to WebSocket can drop
	// the packets of a poll that completes during the upgrade (the
	// handshake's answer among them).
	o.SetTransports(types.NewSet(sio.WebSocket))
	o.SetTimeout(connectTimeout)
	o.SetAuth(c.auth)
	// A manager of its own: the Socket.IO client would otherwise share one
	// connection between clients of the same URL, and so their accounts.
	o.SetForceNew(true)
	o.SetAutoConnect(false)
	o.SetReconnection(true)
	o.SetReconnectionDelay(float64(c.opts.ReconnectDelay.Milliseconds()))
	o.SetReconnectionDelayMax(float64(c.opts.ReconnectDelayMax.Milliseconds()))
	s, err := sio.Connect(origin, o)
	if err != nil {
		return nil, fmt.Errorf("parleyclient: %w", err)
	}
	// Listeners run on the Socket.IO client's goroutines, which also
	// deliver acks: they hand work over and return at once.
	_ = s.On("connect", func(...any) { c.onConnect() })
	_ = s.On("disconnect", func(args ...any) {
		reason, _ := firstArg[string](args)
		c.onDisconnect(reason)
	})
	_ = s.On("connect_error", func(args ...any) {
		err, _ := firstArg[error](args)
		c.onConnectError(err)
	})
	_ = s.On(protocol.EventSessionEnded, func(args ...any) {
		p, _ := firstArg[map[string]any](args)
		reason, _ := p["reason"].(string)
		c.mu.Lock()
		c.sessionEnded = true
		c.mu.Unlock()
		c.log.Info("parley: the server ended the session: its token expired or was revoked", "reason", reason)
	})
	_ = s.On("skill:request", func(args ...any) { c.onSkillRequest(args) })
	for _, ev := range serverEvents() {
		_ = s.On(types.EventName(ev), func(args ...any) {
			payload, _ := firstArg[any](args)
			c.inbox.push(item{kind: itemEvent, event: ev, payload: payload})
		})
	}
	m := s.Io()
	_ = m.On("open", func(...any) { c.onManagerOpen() })
	_ = m.On("reconnect_attempt", func(...any) { c.watchOpen() })
	_ = m.On("error", func(args ...any) {
		err, _ := firstArg[error](args)
		c.mu.Lock()
		c.lastErr = err
		c.mu.Unlock()
		c.log.Debug("parley: connection attempt failed", "err", err)
	})
	return s, nil
}

func firstArg[T any](args []any) (T, bool) {
	var zero T
	if len(args) == 0 {
		return zero, false
	}
	v, ok := args[0].(T)
	return v, ok
}

func (c *Client) onConnect() {
	c.mu.Lock()
	c.connected = true
	c.connections++
	c.revives = 0
	c.mu.Unlock()
	c.inbox.push(item{kind: itemConnected})
	c.spawn(c.reregisterSkills)
}

func (c *Client) onDisconnect(reason string) {
	c.mu.Lock()
	c.connected = false
	ended := c.sessionEnded
	c.sessionEnded = false
	c.mu.Unlock()
	c.inbox.push(item{kind: itemDisconnected, reason: reason})
	if reason != serverDisconnect {
		return
	}
	// After session:ended the token is of no more use: renew it at once
	// rather than offer it and be refused.
	if ended && c.opts.TokenFunc == nil {
		c.log.Error("parley: the session's token expired or was revoked and there is no TokenFunc to renew it: not reconnecting")
		return
	}
	c.revive(ended)
}

// onConnectError handles a refused handshake: the server answered the
// socket's CONNECT with an error, which ends the Socket.IO client's
// reconnection, so the client takes over. (Transport failures reach the
// manager's "error" instead, and the Socket.IO client retries them.)
func (c *Client) onConnectError(err error) {
	var ext *types.ExtendedError
	if !errors.As(err, &ext) {
		return
	}
	refused := &Error{Code: parley.CodeUnavailable, Message: ext.Message}
	if data, ok := ext.Data.(map[string]any); ok {
		if code, ok := data["code"].(string); ok && code != "" {
			refused.Code = parley.Code(code)
		}
	}
	select {
	case <-c.ready:
	default: // Dial is still waiting: the refusal is its answer.
		select {
		case c.dialErr <- refused:
		default:
		}
		return
	}
	c.log.Warn("parley: the server refused the connection", "code", refused.Code, "message", refused.Message)
	if refused.Code == parley.CodeUnauthorized && c.opts.TokenFunc == nil {
		c.log.Error("parley: the token was refused and there is no TokenFunc to renew it: not reconnecting")
		return
	}
	c.revive(refused.Code == parley.CodeUnauthorized)
}

// revive reconnects a socket the Socket.IO client gave up on, after a
// backoff, with a fresh token when renew is set.
func (c *Client) revive(renew bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	delay := min(c.opts.ReconnectDelay<<min(c.revives, 16), c.opts.ReconnectDelayMax)
	c.revives++
	if c.reviver != nil {
		c.reviver.Stop()
	}
	c.reviver = time.AfterFunc(delay, func() { c.spawn(func() { c.redial(renew) }) })
}

func (c *Client) redial(renew bool) {
	if renew {
		tok, err := c.opts.TokenFunc(c.ctx)
		if err != nil {
			c.log.Warn("parley: renewing the token failed", "err", err)
			c.revive(true)
			return
		}
		c.mu.Lock()
		c.token = tok
		c.mu.Unlock()
		// The socket is down (refused), so nothing reads the map now.
		c.lifeMu.Lock()
		c.auth["token"] = tok
		c.lifeMu.Unlock()
	}
	c.connect()
}
