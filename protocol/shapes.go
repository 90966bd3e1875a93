// Package protocol is Parley's wire format: the names of the Socket.IO
// events and the JSON shapes that clients send and receive, as described in
// docs/protocol.md. The hub, the transport, the assistant and the Go client
// all speak it through this package, so the protocol changes in one place.
package protocol

import (
	"time"

	"github.com/parley-chat/parley"
)

// Time marshals as RFC 3339 with milliseconds in UTC, the wire format of
// every timestamp.
type Time time.Time

const wireTime = "2006-01-02T15:04:05.000Z07:00"

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(wireTime) + `"`), nil
}

// User is the wire shape of an account.
type User struct {
	ID          string          `json:"id"`
	Username    string          `json:"username"`
	DisplayName string          `json:"displayName"`
	Kind        parley.UserKind `json:"kind"`
	// Online and Role are set in member lists only.
	Online *bool       `json:"online,omitempty"`
	Role   parley.Role `json:"role,omitempty"`
}

// UserOf projects an account onto the wire, never its password hash.
func UserOf(u parley.User) User {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return User{ID: u.ID, Username: u.Username, DisplayName: name, Kind: u.Kind}
}

// Room is the wire shape of a room. Unread is only set in a member's list.
type Room struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Topic     string          `json:"topic"`
	Kind      parley.RoomKind `json:"kind"`
	Private   bool            `json:"private"`
	CreatedAt Time            `json:"createdAt"`
	LastSeq   int64           `json:"lastSeq"`
	Unread    *int64          `json:"unread,omitempty"`
	Role      parley.Role     `json:"role,omitempty"`
}

// RoomOf projects a room onto the wire.
func RoomOf(r parley.Room) Room {
	return Room{
		ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: r.Kind, Private: r.Private,
		CreatedAt: Time(r.CreatedAt), LastSeq: r.LastSeq,
	}
}

// Message is the wire shape of a message.
type Message struct {
	ID          string   `json:"id"`
	Room        string   `json:"room"`
	Seq         int64    `json:"seq"`
	Sender      User     `json:"sender"`
	Text        string   `json:"text"`
	Mentions    []string `json:"mentions"`
	ClientMsgID string   `json:"clientMsgId"`
	StreamID    string   `json:"streamId,omitempty"`
	Deleted     bool     `json:"deleted,omitempty"`
	CreatedAt   Time     `json:"createdAt"`
}

// MessageOf projects a stored message and its sender onto the wire.
func MessageOf(m parley.Message, sender User) Message {
	mentions := m.Mentions
	if mentions == nil {
		mentions = []string{}
	}
	return Message{
		ID: m.ID, Room: m.RoomID, Seq: m.Seq, Sender: sender, Text: m.Text,
		Mentions: mentions, ClientMsgID: m.ClientMsgID, StreamID: m.StreamID,
		Deleted: m.Deleted, CreatedAt: Time(m.CreatedAt),
	}
}

// Page is a slice of a room's log.
type Page struct {
	Messages []Message `json:"messages"`
	HasMore  bool      `json:"hasMore"`
}
