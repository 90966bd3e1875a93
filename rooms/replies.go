package rooms

import (
	"context"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// quote is the message a send replies to, read once and shown in the
// reply's ack and broadcast. The zero quote is "not a reply".
type quote struct {
	stored *parley.Message
	wire   *protocol.Quote
}

// quoted loads the message id of roomID that a reply answers: NOT_FOUND
// when the room has no such message, or it was deleted.
func (h *Hub) quoted(ctx context.Context, roomID, id string) (quote, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return quote{}, nil
	}
	if err := checkMessageID(id); err != nil {
		return quote{}, err
	}
	m, err := h.liveMessage(ctx, roomID, id)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return quote{}, parley.Errorf(parley.CodeNotFound, "the message you reply to is not in this room")
	}
	if err != nil {
		return quote{}, err
	}
	users, err := h.users.resolve(ctx, []string{m.SenderID})
	if err != nil {
		return quote{}, err
	}
	return quote{stored: m, wire: protocol.QuoteOf(*m, users[m.SenderID])}, nil
}

func (q quote) id() string {
	if q.stored == nil {
		return ""
	}
	return q.stored.ID
}

func (q quote) onto(m protocol.Message) protocol.Message {
	m.ReplyTo = q.wire
	return m
}

// Thread returns a message of a room the user is in and its replies after
// a seq, oldest first.
func (h *Hub) Thread(ctx context.Context, user parley.User, roomID, id string, after int64, limit int) (protocol.Thread, error) {
	if err := checkMessageID(id); err != nil {
		return protocol.Thread{}, err
	}
	if after < 0 {
		return protocol.Thread{}, parley.Errorf(parley.CodeBadRequest, "after must not be negative")
	}
	limit, err := pageSize(limit)
	if err != nil {
		return protocol.Thread{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return protocol.Thread{}, err
	}
	root, err := h.store.Messages.Get(ctx, m.RoomID, id) // a tombstone keeps its replies
	if err != nil {
		return protocol.Thread{}, notFoundAsMessage(err)
	}
	replies, more, err := h.store.Threads.Replies(ctx, m.RoomID, id, after, limit)
	if err != nil {
		return protocol.Thread{}, err
	}
	views, err := h.view(ctx, user.ID, append([]parley.Message{*root}, replies...))
	if err != nil {
		return protocol.Thread{}, err
	}
	views, cut, err := newBudget(limit+1, h.cfg.MaxAnswerBytes).head(views)
	if err != nil {
		return protocol.Thread{}, err
	}
	return protocol.Thread{Root: views[0], Replies: views[1:], HasMore: more || cut}, nil
}
