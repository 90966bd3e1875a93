package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/protocol"
)

// bindSocket installs the handshake authentication and the event handlers.
func (s *Server) bindSocket() {
	s.io.Use(func(sock *socket.Socket, next func(*socket.ExtendedError)) {
		tok, _ := sock.Handshake().Auth["token"].(string)
		ctx, cancel := context.WithTimeout(socketContext(sock), 5*time.Second)
		defer cancel()
		u, claims, err := s.userOfToken(ctx, tok)
		if err != nil {
			code := parley.CodeOf(err)
			if code != parley.CodeUnauthorized {
				s.log.ErrorContext(ctx, "socket auth", "err", err)
				s.sockets.connects.WithLabelValues(connectUnavailable).Inc()
				next(socket.NewExtendedError("unavailable", map[string]any{"code": string(parley.CodeUnavailable)}))
				return
			}
			s.sockets.connects.WithLabelValues(connectUnauthorized).Inc()
			next(socket.NewExtendedError("unauthorized", map[string]any{"code": string(parley.CodeUnauthorized)}))
			return
		}
		if err := s.admit(sock, *u); err != nil {
			next(err)
			return
		}
		sock.SetData(authenticated{user: *u, claims: claims})
		next(nil)
	})
	_ = s.io.On("connection", func(args ...any) {
		sock := args[0].(*socket.Socket)
		a, ok := sock.Data().(authenticated)
		if !ok {
			sock.Disconnect(true)
			return
		}
		s.onConnect(sock, a.user, a.claims)
	})
}

// socketContext carries what every log line about sock says: the request
// id of its handshake (the HTTP request that opened its Engine.IO
// connection, whose access line has the same requestId) and the socket id.
func socketContext(sock *socket.Socket) context.Context {
	var id string
	if hc := sock.Request(); hc != nil && hc.Request() != nil {
		id = hc.Request().Header.Get(echo.HeaderXRequestID)
	}
	return withLogAttrs(context.Background(), slog.String("requestId", id), slog.String("socket", string(sock.Id())))
}

// authenticated is what the handshake learnt about a socket.
type authenticated struct {
	user   parley.User
	claims accounts.Claims
}

func (s *Server) onConnect(sock *socket.Socket, user parley.User, claims accounts.Claims) {
	id := string(sock.Id())
	// The socket may close at any moment: before this handler runs, while
	// its rooms are read below, or after. The disconnect handler goes
	// first, and the two sides agree under mu, so the hub hears of each
	// socket once in and once out, or not at all.
	var mu sync.Mutex
	var joined, gone bool
	_ = sock.On("disconnect", func(args ...any) {
		mu.Lock()
		first, wasJoined := !gone, joined
		gone = true
		mu.Unlock()
		if !first || !wasJoined {
			return
		}
		s.sessions.remove(user.ID, sock.Id())
		s.hub.Disconnected(user, id)
		s.sockets.disconnected(args)
	})
	// Built once: every log line about this socket, and every event
	// handler's context, carries its ids.
	sockCtx := socketContext(sock)
	ctx, cancel := context.WithTimeout(sockCtx, 5*time.Second)
	defer cancel()
	ids, err := s.hub.RoomIDsOf(ctx, user.ID)
	if err != nil {
		s.log.ErrorContext(ctx, "socket connect: list rooms", "user", user.ID, "err", err)
		s.sockets.connects.WithLabelValues(connectFailed).Inc()
		sock.Disconnect(true)
		return
	}
	chans := []socket.Room{userChannel(user.ID)}
	for _, id := range ids {
		chans = append(chans, roomChannel(id))
	}
	mu.Lock()
	// Connected is false from just before the library says "disconnect",
	// which it may have said before this handler was listening. And the
	// library (v3.0.6) can connect a socket whose connection closed an
	// instant before, too late for the connection's close to reach it: such
	// a socket would never say "disconnect". Parley closes it itself.
	if gone || !sock.Connected() || sock.Conn().ReadyState() != "open" {
		gone = true
		mu.Unlock()
		s.sockets.connects.WithLabelValues(connectAbandoned).Inc()
		sock.Disconnect(true)
		return
	}
	sock.Join(chans...)
	s.hub.Connected(user, id, ids)
	s.sessions.add(sock, claims)
	joined = true
	mu.Unlock()
	s.sockets.connects.WithLabelValues(connectAccepted).Inc()
	s.log.DebugContext(ctx, "socket connected", "user", user.ID, "transport", sock.Conn().Transport().Name())

	h := &handlers{hub: s.hub, user: user}
	s.on(sockCtx, sock, protocol.EventJoin, decoded(h.join))
	s.on(sockCtx, sock, protocol.EventLeave, decoded(h.leave))
	s.on(sockCtx, sock, protocol.EventSend, h.send)
	s.on(sockCtx, sock, protocol.EventHistory, decoded(h.history))
	s.on(sockCtx, sock, protocol.EventSync, h.sync)
	s.on(sockCtx, sock, protocol.EventRead, decoded(h.read))
	s.on(sockCtx, sock, protocol.EventTyping, decoded(h.typing))
	s.on(sockCtx, sock, protocol.EventOpenDirect, decoded(h.openDirect))
	s.on(sockCtx, sock, protocol.EventInvite, decoded(h.invite))
	s.on(sockCtx, sock, protocol.EventKick, decoded(h.kick))
	s.on(sockCtx, sock, protocol.EventUpdateRoom, decoded(h.updateRoom))
	s.on(sockCtx, sock, protocol.EventRole, decoded(h.setRole))
	s.on(sockCtx, sock, protocol.EventDelete, decoded(h.deleteMessage))
	s.on(sockCtx, sock, protocol.EventEdit, decoded(h.edit))
	s.on(sockCtx, sock, protocol.EventReactionAdd, decoded(h.reaction(true)))
	s.on(sockCtx, sock, protocol.EventReactionDel, decoded(h.reaction(false)))
	s.on(sockCtx, sock, protocol.EventThread, decoded(h.thread))
	s.on(sockCtx, sock, protocol.EventNotify, decoded(h.notify))
	var registered atomic.Int32
	s.on(sockCtx, sock, protocol.EventSkillRegister, decoded(func(ctx context.Context, req assistant.RemoteSkill) (map[string]any, error) {
		if user.Kind != parley.KindService {
			return nil, parley.Errorf(parley.CodeForbidden, "only service clients offer skills")
		}
		return s.registerSkill(sock, user, &registered, req)
	}))
}

// eventFunc handles one client event. ack, when the event carried one, may
// be called early (message:send acks before fan-out); otherwise the
// returned fields are acked with ok:true.
type eventFunc func(ctx context.Context, payload any, ack func(map[string]any)) (map[string]any, error)

// on registers an event handler that always answers {ok:true,...} or
// {ok:false,error}, recovers from panics, and never drops the connection
// for a bad payload. Events without an ack callback are handled the same way,
// silently.
func (s *Server) on(ctx context.Context, sock *socket.Socket, event string, fn eventFunc) {
	handled := s.sockets.events.WithLabelValues(event)
	_ = sock.On(event, func(args ...any) {
		handled.Inc()
		var ack socket.Ack
		if n := len(args); n > 0 {
			if a, ok := args[n-1].(socket.Ack); ok {
				ack = a
				args = args[:n-1]
			}
		}
		var payload any
		if len(args) > 0 {
			payload = args[0]
		}
		acked := false
		reply := func(fields map[string]any) {
			if acked {
				return
			}
			acked = true
			if ack == nil {
				return
			}
			out := map[string]any{"ok": true}
			for k, v := range fields {
				out[k] = v
			}
			ack([]any{out}, nil)
		}
		fail := func(err error) {
			body := s.classify(ctx, err, event)
			if acked || ack == nil {
				return
			}
			acked = true
			ack([]any{map[string]any{"ok": false, "error": body}}, nil)
		}
		defer func() {
			if r := recover(); r != nil {
				fail(parley.Wrap(parley.CodeInternal, fmt.Errorf("panic: %v", r), "internal error"))
			}
		}()
		// Every event of a class spends its budget, a bad one too: a
		// flood of malformed events costs as much to answer.
		if a, ok := sock.Data().(authenticated); ok {
			if err := s.hub.AllowEvent(ctx, a.user.ID, event); err != nil {
				fail(err)
				return
			}
		}
		fields, err := fn(ctx, payload, reply)
		if err != nil {
			fail(err)
			return
		}
		reply(fields)
	})
}
