package assistant

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
)

// Incoming is a stored, fanned-out message the assistant may answer.
type Incoming struct {
	ID       string
	RoomID   string
	Seq      int64
	Sender   parley.User
	Text     string
	Mentions []string
	At       time.Time
	// Quoted is the message this one replies to (nil: none). A reply to
	// the bot is addressed to it, and the model sees what it answers.
	Quoted *parley.Message
	// Edited marks a message edited after it was sent: Mentions then
	// holds only the names the edit added, and the bot answers only if it
	// is among them.
	Edited bool
}

// IncomingOf is the assistant's view of a message the hub stored (quoted:
// the message it replies to, or nil), or of an edit (edited true).
func IncomingOf(m parley.Message, sender parley.User, quoted *parley.Message, edited bool) Incoming {
	return Incoming{ID: m.ID, RoomID: m.RoomID, Seq: m.Seq, Sender: sender, Text: m.Text, Mentions: m.Mentions, At: m.CreatedAt,
		Quoted: quoted, Edited: edited}
}

// Chat is what the assistant needs of the hub: it speaks in rooms like any
// member, so its replies are stored, ordered and synced like everyone's.
type Chat interface {
	// Post stores and fans out a message from the bot and returns its id.
	// streamID links it to the deltas that preceded it ("" when none).
	Post(ctx context.Context, bot parley.User, roomID, text, streamID string) (string, error)
	// Stream sends a delta of a reply in progress to the room.
	Stream(roomID, streamID, delta string, done bool)
	// Typing shows or clears the bot's typing indicator.
	Typing(ctx context.Context, bot parley.User, roomID string, typing bool) error
	// Attend reports whether the bot takes part in a group room, joining a
	// public one it is not in yet; membership is the hub's to decide.
	Attend(ctx context.Context, bot parley.User, room parley.Room) (bool, error)
}

// PromptMessage is one entry of a prompt.
type PromptMessage struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Usage is what a model reports it spent on one request.
type Usage struct {
	PromptTokens     int64
	CompletionTokens int64
}

// Model is a chat model that streams its answer.
type Model interface {
	// Stream sends prompt and calls onDelta with each piece of the answer as
	// it arrives, in order, from the calling goroutine; "" for a chunk
	// without text (a model that is thinking).
	Stream(ctx context.Context, prompt []PromptMessage, onDelta func(string)) (Usage, error)
}

// Limiter is a per-user budget of questions (rooms.RateLimiter: this
// node's own, or a cluster's in Redis).
type Limiter interface {
	// Allow reports whether userID may ask one more question, and counts
	// it. It cannot fail: a shared limiter out of reach decides locally.
	Allow(ctx context.Context, userID string) bool
}
