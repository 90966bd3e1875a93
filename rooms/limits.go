package rooms

import (
	"context"
	"time"

	"github.com/parley-chat/parley/protocol"
)

// Class is a kind of client action with a per-user budget of its own, so
// that no one user can fill the store's single writer, or fan a flood out
// to every member of a room. message:send has its own budget (Config.Limiter)
// and questions to the assistant theirs.
type Class string

const (
	// ClassWrite is every event that writes to the store or changes
	// membership: read, dm:open, room:join, room:leave, room:invite,
	// room:kick, room:notify, room:update, room:role, message:delete, and skill:register.
	ClassWrite Class = "write"
	// ClassRead is every request that reads pages from the store: history
	// and sync, and the REST room lists and history.
	ClassRead Class = "read"
	// ClassTyping is typing signals that reach the room: a repeat of the
	// state a user told a room an instant ago is acknowledged without
	// being broadcast, and spends nothing (Config.TypingRepeat).
	ClassTyping Class = "typing"
	// ClassCreateRoom is POST /api/rooms.
	ClassCreateRoom Class = "room_create"
)

// DefaultRate is the budget a class takes when Config.Limits leaves it
// out: well above what a person's client does (the web UI sends a read
// cursor at most every 250 ms per room, a typing signal every 3 s), well
// below what a script can.
func DefaultRate(c Class) Rate {
	switch c {
	case ClassWrite:
		// The web UI asks for the member lists of its 50 most recent
		// direct rooms with room:join on every connect.
		return Rate{PerSecond: 10, Burst: 100}
	case ClassRead:
		return Rate{PerSecond: 10, Burst: 50}
	case ClassTyping:
		return Rate{PerSecond: 2, Burst: 10}
	case ClassCreateRoom:
		return Rate{PerSecond: 0.1, Burst: 10}
	}
	return Rate{}
}

// classes lists every Class, for defaults and metrics.
func classes() []Class { return []Class{ClassWrite, ClassRead, ClassTyping, ClassCreateRoom} }

// ClassOf is the class whose budget a client event spends before it is
// handled. message:send spends its own, typing spends its class's only
// when it is broadcast (Hub.Typing); an event of no class spends nothing.
func ClassOf(event string) (Class, bool) {
	switch event {
	case protocol.EventRead, protocol.EventOpenDirect, protocol.EventJoin, protocol.EventLeave,
		protocol.EventInvite, protocol.EventKick, protocol.EventUpdateRoom, protocol.EventRole, protocol.EventDelete, protocol.EventSkillRegister,
		protocol.EventEdit, protocol.EventReactionAdd, protocol.EventReactionDel, protocol.EventNotify:
		return ClassWrite, true
	case protocol.EventHistory, protocol.EventSync, protocol.EventThread:
		return ClassRead, true
	}
	return "", false
}

// defaultTypingRepeat is Config.TypingRepeat's default: shorter than the
// web UI's resend interval (3 s), so each of its signals gets through.
const defaultTypingRepeat = 2 * time.Second

func limitMessage(c Class) string {
	switch c {
	case ClassRead:
		return "you are asking for messages too fast"
	case ClassTyping:
		return "you are sending typing signals too fast"
	case ClassCreateRoom:
		return "you are creating rooms too fast"
	}
	return "you are doing that too fast"
}

// Allow spends one unit of userID's budget of class c, or returns
// RATE_LIMITED (with a RetryAfter).
func (h *Hub) Allow(ctx context.Context, userID string, c Class) error {
	l, ok := h.limits[c]
	if !ok {
		return nil
	}
	if err := l.Check(ctx, userID, limitMessage(c)); err != nil {
		h.metrics.limited.WithLabelValues(string(c)).Inc()
		return err
	}
	return nil
}

// AllowEvent spends the budget of event's class (ClassOf), if it has one.
func (h *Hub) AllowEvent(ctx context.Context, userID, event string) error {
	c, ok := ClassOf(event)
	if !ok {
		return nil
	}
	return h.Allow(ctx, userID, c)
}
