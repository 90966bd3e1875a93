package rooms

import (
	"context"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// Typing tells the other members of a room that user started or stopped
// typing. Nothing is stored. A repeat of the state the user told the room
// through this node less than Config.TypingRepeat ago is acknowledged and
// dropped: the room already shows it, and a flood of repeats would be
// multiplied by every member. What does reach the room spends the user's
// ClassTyping budget.
func (h *Hub) Typing(ctx context.Context, user parley.User, roomID string, typing bool) error {
	now := h.cfg.Now()
	key := typingKey{user: user.ID, room: roomID}
	if h.typing.repeat(key, typing, now) {
		return nil
	}
	if err := h.Allow(ctx, user.ID, ClassTyping); err != nil {
		return err
	}
	if err := h.PostTyping(ctx, user, roomID, typing); err != nil {
		return err
	}
	h.typing.told(key, typing, now)
	return nil
}

// PostTyping is Typing for the server's own accounts (the assistant), as
// Post is Send: every call reaches the room, and spends no budget.
func (h *Hub) PostTyping(ctx context.Context, user parley.User, roomID string, typing bool) error {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return err
	}
	h.emit.Emit(Target{Rooms: []string{m.RoomID}, ExceptUser: user.ID}, protocol.EventTyping, protocol.TypingEvent{Room: m.RoomID, User: protocol.UserOf(user), Typing: typing})
	return nil
}

type typingKey struct{ user, room string }

type typingTold struct {
	typing bool
	at     time.Time
}

// typingRepeats remembers the typing state each user last told each room
// through this node, for a window. Entries older than the window are swept
// while it is used, so memory follows who is typing now.
type typingRepeats struct {
	window time.Duration

	mu        sync.Mutex
	last      map[typingKey]typingTold
	lastSweep time.Time
}

func newTypingRepeats(window time.Duration) *typingRepeats {
	return &typingRepeats{window: window, last: map[typingKey]typingTold{}}
}

// repeat reports whether k told typing less than the window before now.
func (t *typingRepeats) repeat(k typingKey, typing bool, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, ok := t.last[k]
	return ok && prev.typing == typing && now.Sub(prev.at) < t.window
}

// told records that k's typing state reached the room at now.
func (t *typingRepeats) told(k typingKey, typing bool, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.lastSweep) > t.window {
		t.lastSweep = now
		for key, v := range t.last {
			if now.Sub(v.at) >= t.window {
				delete(t.last, key)
			}
		}
	}
	t.last[k] = typingTold{typing: typing, at: now}
}
