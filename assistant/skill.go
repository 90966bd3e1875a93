package assistant

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Request is a question put to the assistant, with what it knows around it.
type Request struct {
	Msg  Incoming
	Room *parley.Room
	// Text is the message with the bot's mention removed and tidied.
	Text string
	Lang string
	// Dialogue is the asker's open dialogue in the room (nil: none).
	Dialogue *store.Dialogue
	Now      time.Time
	// Addressed is true when the message mentions the bot or is in a DM
	// with it; otherwise it is only a candidate answer to an open dialogue.
	Addressed bool
}

// Slot is an argument a skill cannot do without, asked for when missing
// ("which city?").
type Slot struct {
	Name  string            `json:"name"`
	Label map[string]string `json:"label"` // by language: "city", "城市"
}

// Skill is something the assistant does besides talking to the model:
// in-process (the weather demo's test double, a calculator) or a service
// client connected over Socket.IO (Remotes).
type Skill interface {
	// Name is the word that invokes the skill.
	Name() string
	// Describe is one line for `help`.
	Describe(lang string) string
	// Match returns the request's arguments when it is for this skill.
	Match(req *Request) (args string, ok bool)
	// Slots lists what the skill needs; an empty argument asks for the
	// first one.
	Slots() []Slot
	// Handle answers; slots holds the arguments asked for by name.
	Handle(ctx context.Context, req *Request, args string, slots map[string]string) (string, error)
}
