package server

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// handlers are one socket's event handlers: each turns a decoded payload
// into one hub call and the fields of its ack.
type handlers struct {
	hub  *rooms.Hub
	user parley.User
}

// decoded adapts a handler of a typed payload to an eventFunc, so every
// event answers a malformed payload with the same BAD_REQUEST.
func decoded[T any](fn func(context.Context, T) (map[string]any, error)) eventFunc {
	return func(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
		var req T
		if err := decodePayload(p, &req); err != nil {
			return nil, err
		}
		return fn(ctx, req)
	}
}

func (h *handlers) join(ctx context.Context, req protocol.RoomPayload) (map[string]any, error) {
	room, members, err := h.hub.Join(ctx, h.user, req.Room)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": room, "members": members}, nil
}

func (h *handlers) leave(ctx context.Context, req protocol.RoomPayload) (map[string]any, error) {
	return nil, h.hub.Leave(ctx, h.user, req.Room)
}

// send acks from inside the pipeline: once the message is stored and
// before the room sees it.
func (h *handlers) send(ctx context.Context, p any, ack func(map[string]any)) (map[string]any, error) {
	received := time.Now()
	var req protocol.SendPayload
	if err := decodePayload(p, &req); err != nil {
		return nil, err
	}
	msg, err := h.hub.Send(ctx, h.user, rooms.SendRequest{
		Room: req.Room, Text: req.Text, ClientMsgID: req.ClientMsgID, ReplyTo: req.ReplyTo, Attachments: req.Attachments,
		ReceivedAt: received,
	}, func(m protocol.Message) { ack(map[string]any{"message": m}) })
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": msg}, nil
}

func (h *handlers) history(ctx context.Context, req protocol.HistoryPayload) (map[string]any, error) {
	page, err := h.hub.History(ctx, h.user, req.Room, req.Before, req.Limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"messages": page.Messages, "hasMore": page.HasMore}, nil
}

// sync also accepts no payload at all: "from my stored cursors".
func (h *handlers) sync(ctx context.Context, p any, _ func(map[string]any)) (map[string]any, error) {
	var req protocol.SyncPayload
	if p != nil {
		if err := decodePayload(p, &req); err != nil {
			return nil, err
		}
	}
	pages, err := h.hub.Sync(ctx, h.user, req.Cursors, req.Revs)
	if err != nil {
		return nil, err
	}
	return map[string]any{"rooms": pages}, nil
}

func (h *handlers) read(ctx context.Context, req protocol.ReadPayload) (map[string]any, error) {
	if req.Seq == nil {
		return nil, parley.Errorf(parley.CodeBadRequest, "seq is required")
	}
	readSeq, err := h.hub.Read(ctx, h.user, req.Room, *req.Seq)
	if err != nil {
		return nil, err
	}
	return map[string]any{"readSeq": readSeq}, nil
}

func (h *handlers) typing(ctx context.Context, req protocol.TypingPayload) (map[string]any, error) {
	if req.Typing == nil {
		return nil, parley.Errorf(parley.CodeBadRequest, "typing is required")
	}
	return nil, h.hub.Typing(ctx, h.user, req.Room, *req.Typing)
}

func (h *handlers) openDirect(ctx context.Context, req protocol.DirectPayload) (map[string]any, error) {
	room, err := h.hub.OpenDirect(ctx, h.user, req.User)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": room}, nil
}

func (h *handlers) invite(ctx context.Context, req protocol.MemberPayload) (map[string]any, error) {
	return nil, h.hub.Invite(ctx, h.user, req.Room, req.User)
}

func (h *handlers) kick(ctx context.Context, req protocol.MemberPayload) (map[string]any, error) {
	return nil, h.hub.Kick(ctx, h.user, req.Room, req.User)
}

func (h *handlers) notify(ctx context.Context, req protocol.NotifyPayload) (map[string]any, error) {
	return nil, h.hub.SetNotify(ctx, h.user, req.Room, req.Level)
}

func (h *handlers) updateRoom(ctx context.Context, req protocol.UpdateRoomPayload) (map[string]any, error) {
	room, err := h.hub.UpdateRoom(ctx, h.user, req.Room, req.Name, req.Topic)
	if err != nil {
		return nil, err
	}
	return map[string]any{"room": room}, nil
}

func (h *handlers) setRole(ctx context.Context, req protocol.RolePayload) (map[string]any, error) {
	return nil, h.hub.SetRole(ctx, h.user, req.Room, req.User, req.Role)
}

func (h *handlers) deleteMessage(ctx context.Context, req protocol.DeletePayload) (map[string]any, error) {
	return nil, h.hub.DeleteMessage(ctx, h.user, req.Room, req.ID)
}

func (h *handlers) edit(ctx context.Context, req protocol.EditPayload) (map[string]any, error) {
	msg, err := h.hub.EditMessage(ctx, h.user, req.Room, req.ID, req.Text)
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": msg}, nil
}

// reaction is reaction:add (add) or reaction:remove.
func (h *handlers) reaction(add bool) func(context.Context, protocol.ReactionPayload) (map[string]any, error) {
	return func(ctx context.Context, req protocol.ReactionPayload) (map[string]any, error) {
		msg, err := h.hub.React(ctx, h.user, req.Room, req.ID, req.Emoji, add)
		if err != nil {
			return nil, err
		}
		return map[string]any{"message": msg}, nil
	}
}

func (h *handlers) thread(ctx context.Context, req protocol.ThreadPayload) (map[string]any, error) {
	th, err := h.hub.Thread(ctx, h.user, req.Room, req.ID, req.After, req.Limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"root": th.Root, "replies": th.Replies, "hasMore": th.HasMore}, nil
}
