package parley

import "time"

// Message is one entry of a room's log. Seq is assigned by the store.
// A deleted message keeps its id and seq with empty text (a tombstone).
type Message struct {
	ID          string
	RoomID      string
	Seq         int64
	SenderID    string
	Text        string
	Mentions    []string
	ClientMsgID string
	StreamID    string
	Deleted     bool
	CreatedAt   time.Time
}
