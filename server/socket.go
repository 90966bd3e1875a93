package server

import (
	"context"
	"fmt"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// bindSocket installs the handshake authentication and the event handlers.
func (s *Server) bindSocket() {
	s.io.Use(func(sock *socket.Socket, next func(*socket.ExtendedError)) {
		tok, _ := sock.Handshake().Auth["token"].(string)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		u, err := s.userOfToken(ctx, tok)
		if err != nil {
			code := store.CodeOf(err)
			if code != store.CodeUnauthorized {
				s.log.Error("socket auth", "err", err)
				next(socket.NewExtendedError("unavailable", map[string]any{"code": string(store.CodeUnavailable)}))
				return
			}
			next(socket.NewExtendedError("unauthorized", map[string]any{"code": string(store.CodeUnauthorized)}))
			return
		}
		sock.SetData(*u)
		next(nil)
	})
	_ = s.io.On("connection", func(args ...any) {
		sock := args[0].(*socket.Socket)
		user, ok := sock.Data().(store.User)
		if !ok {
			sock.Disconnect(true)
			return
		}
		s.onConnect(sock, user)
	})
}

func (s *Server) onConnect(sock *socket.Socket, user store.User) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	mine, err := s.store.Memberships.RoomsOf(ctx, user.ID)
	if err != nil {
		s.log.Error("socket connect: list rooms", "user", user.ID, "err", err)
		sock.Disconnect(true)
		return
	}
	chans := []socket.Room{userChannel(user.ID)}
	ids := make([]string, len(mine))
	for i, r := range mine {
		chans = append(chans, roomChannel(r.Room.ID))
		ids[i] = r.Room.ID
	}
	sock.Join(chans...)
	s.guardSlowClient(sock)
	id := string(sock.Id())
	s.hub.Connected(user, id, ids)
	_ = sock.On("disconnect", func(...any) { s.hub.Disconnected(user, id) })
	s.log.Debug("socket connected", "user", user.ID, "socket", id, "transport", sock.Conn().Transport().Name())

	h := &handlers{s: s, hub: s.hub, user: user}
	s.on(sock, "room:join", h.join)
	s.on(sock, "room:leave", h.leave)
	s.on(sock, "message:send", h.send)
	s.on(sock, "history", h.history)
	s.on(sock, "sync", h.sync)
	s.on(sock, "read", h.read)
	s.on(sock, "typing", h.typing)
	s.on(sock, "dm:open", h.openDirect)
	s.on(sock, "room:invite", h.invite)
	s.on(sock, "room:kick", h.kick)
	s.on(sock, "message:delete", h.deleteMessage)
}

// eventFunc handles one client event. ack, when the event carried one, may
// be called early (message:send acks before fan-out); otherwise the
// returned fields are acked with ok:true.
type eventFunc func(ctx context.Context, payload any, ack func(map[string]any)) (map[string]any, error)

// on registers an event handler that always answers {ok:true,...} or
// {ok:false,error}, recovers from panics, and never drops the connection
// for a bad payload. Events without an ack callback are handled the same way,
// silently.
func (s *Server) on(sock *socket.Socket, event string, fn eventFunc) {
	_ = sock.On(event, func(args ...any) {
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
			body := s.classify(err, event)
			if acked || ack == nil {
				return
			}
			acked = true
			ack([]any{map[string]any{"ok": false, "error": body}}, nil)
		}
		defer func() {
			if r := recover(); r != nil {
				fail(store.Wrap(store.CodeInternal, fmt.Errorf("panic: %v", r), "internal error"))
			}
		}()
		fields, err := fn(context.Background(), payload, reply)
		if err != nil {
			fail(err)
			return
		}
		reply(fields)
	})
}

// handlers are one socket's event handlers.
type handlers struct {
	s    *Server
	hub  *rooms.Hub
	user store.User
}

type roomPayload struct {
	Room string `json:"room"`
}

func (h *handlers) join(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req roomPayload
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	room, members, err := h.hub.Join(ctx, h.user, req.Room)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": room, "members": members}, nil
}

func (h *handlers) leave(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req roomPayload
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	return nil, h.hub.Leave(ctx, h.user, req.Room)
}

func (h *handlers) send(ctx context.Context, p any, ack func(map[string]any)) (map[string]any, error) {
	received := time.Now()
	var req struct {
		Room        string `json:"room"`
		Text        string `json:"text"`
		ClientMsgID string `json:"clientMsgId"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	msg, err := h.hub.Send(ctx, h.user, rooms.SendRequest{
		Room: req.Room, Text: req.Text, ClientMsgID: req.ClientMsgID, ReceivedAt: received,
	}, func(m rooms.Message) { ack(map[string]any{"message": m}) })
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": msg}, nil
}

func (h *handlers) history(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		Room   string `json:"room"`
		Before int64  `json:"before"`
		Limit  int    `json:"limit"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	page, err := h.hub.History(ctx, h.user, req.Room, req.Before, req.Limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"messages": page.Messages, "hasMore": page.HasMore}, nil
}

func (h *handlers) sync(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		Cursors map[string]int64 `json:"cursors"`
	}
	if p != nil { // a bare sync() means "from my stored cursors"
		if err := decodePayload(p, &req); err != nil {
			return nil, err
		}
	}
	pages, err := h.hub.Sync(ctx, h.user, req.Cursors)
	if err != nil {
		return nil, err
	}
	return map[string]any{"rooms": pages}, nil
}

func (h *handlers) read(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		Room string `json:"room"`
		Seq  *int64 `json:"seq"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	if req.Seq == nil {
		return nil, store.Errorf(store.CodeBadRequest, "seq is required")
	}
	readSeq, err := h.hub.Read(ctx, h.user, req.Room, *req.Seq)
	if err != nil {
		return nil, err
	}
	return map[string]any{"readSeq": readSeq}, nil
}

func (h *handlers) typing(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		Room   string `json:"room"`
		Typing *bool  `json:"typing"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	if req.Typing == nil {
		return nil, store.Errorf(store.CodeBadRequest, "typing is required")
	}
	return nil, h.hub.Typing(ctx, h.user, req.Room, *req.Typing)
}

func (h *handlers) openDirect(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		User string `json:"user"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	room, err := h.hub.OpenDirect(ctx, h.user, req.User)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": room}, nil
}

type roomUserPayload struct {
	Room string `json:"room"`
	User string `json:"user"`
}

func (h *handlers) invite(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req roomUserPayload
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	return nil, h.hub.Invite(ctx, h.user, req.Room, req.User)
}

func (h *handlers) kick(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req roomUserPayload
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	return nil, h.hub.Kick(ctx, h.user, req.Room, req.User)
}

func (h *handlers) deleteMessage(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req struct {
		Room string `json:"room"`
		ID   string `json:"id"`
	}
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	return nil, h.hub.DeleteMessage(ctx, h.user, req.Room, req.ID)
}
