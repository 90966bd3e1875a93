package parley

import "time"

// Message is one entry of a room's log. Seq is assigned by the store.
// A deleted message keeps its id and seq with empty text (a tombstone).
//
// Rev is the room's change counter at the message's last change (its
// append, an edit, a reaction or its deletion), so a client that was away
// can ask for what changed below its cursor (store.Edits.Changes).
type Message struct {
	ID          string
	RoomID      string
	Seq         int64
	Rev         int64
	SenderID    string
	Text        string
	Mentions    []string
	ClientMsgID string
	StreamID    string
	ReplyTo     string // the id of the message of the same room this one answers
	Reactions   []Reaction
	Attachments []string // ids of parley.File of the same room, in the sender's order
	Deleted     bool
	CreatedAt   time.Time
	EditedAt    time.Time // zero: never edited
}

// Reaction is one emoji on a message and who put it there, in the order
// they did.
type Reaction struct {
	Emoji   string
	UserIDs []string
}

// MaxReactionKinds bounds the distinct emoji on one message.
const MaxReactionKinds = 20
