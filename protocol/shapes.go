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
	// Admin is set only in the caller's own account (SelfOf), and only
	// when it is a server administrator.
	Admin bool `json:"admin,omitempty"`
}

// UserOf projects an account onto the wire, never its password hash.
func UserOf(u parley.User) User {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return User{ID: u.ID, Username: u.Username, DisplayName: name, Kind: u.Kind}
}

// SelfOf projects the caller's own account: UserOf, and whether it is a
// server administrator (others never learn that), so that a client shows
// its moderation controls.
func SelfOf(u parley.User) User {
	v := UserOf(u)
	v.Admin = u.Admin
	return v
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
	LastRev   int64           `json:"lastRev"`
	Unread    *int64          `json:"unread,omitempty"`
	Role      parley.Role     `json:"role,omitempty"`
	// Notify is the caller's notification level, in their room list only.
	Notify parley.NotifyLevel `json:"notify,omitempty"`
}

// RoomOf projects a room onto the wire.
func RoomOf(r parley.Room) Room {
	return Room{
		ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: r.Kind, Private: r.Private,
		CreatedAt: Time(r.CreatedAt), LastSeq: r.LastSeq, LastRev: r.LastRev,
	}
}

// Message is the wire shape of a message. ReplyTo and Reactions need other
// accounts and messages: MessageOf leaves them to the hub's views.
type Message struct {
	ID          string     `json:"id"`
	Room        string     `json:"room"`
	Seq         int64      `json:"seq"`
	Rev         int64      `json:"rev"`
	Sender      User       `json:"sender"`
	Text        string     `json:"text"`
	Mentions    []string   `json:"mentions"`
	ClientMsgID string     `json:"clientMsgId"`
	StreamID    string     `json:"streamId,omitempty"`
	ReplyTo     *Quote     `json:"replyTo,omitempty"`
	Reactions   []Reaction `json:"reactions"`
	// Attachments is absent when there are none: most messages have
	// none, and every byte of a message is paid once per recipient.
	Attachments []File `json:"attachments,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
	CreatedAt   Time   `json:"createdAt"`
	EditedAt    *Time  `json:"editedAt,omitempty"`
}

// Quote is the part of a message a reply shows of the one it answers.
type Quote struct {
	ID      string `json:"id"`
	Seq     int64  `json:"seq"`
	Sender  User   `json:"sender"`
	Text    string `json:"text"`
	Deleted bool   `json:"deleted,omitempty"`
}

// MaxQuoteRunes bounds Quote.Text.
const MaxQuoteRunes = 200

// Reaction is one emoji on a message: how many put it there, the usernames
// of the first MaxReactionUsers of them, and whether the reader is one.
type Reaction struct {
	Emoji string   `json:"emoji"`
	Count int      `json:"count"`
	Users []string `json:"users"`
	Me    bool     `json:"me"`
}

// File is the wire shape of an upload. URL and ThumbURL are signed and
// expire: they work in <img src> and downloads without a bearer token.
type File struct {
	ID          string `json:"id"`
	Room        string `json:"room"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	URL         string `json:"url"`
	ThumbURL    string `json:"thumbUrl,omitempty"`
}

// SearchResult is one answer of GET /api/search.
type SearchResult struct {
	Message Message `json:"message"`
	Room    Room    `json:"room"`
}

// MaxReactionUsers bounds Reaction.Users.
const MaxReactionUsers = 10

// MessageOf projects a stored message and its sender onto the wire, with
// no quote and no reactions.
func MessageOf(m parley.Message, sender User) Message {
	mentions := m.Mentions
	if mentions == nil {
		mentions = []string{}
	}
	out := Message{
		ID: m.ID, Room: m.RoomID, Seq: m.Seq, Rev: m.Rev, Sender: sender, Text: m.Text,
		Mentions: mentions, ClientMsgID: m.ClientMsgID, StreamID: m.StreamID,
		Reactions: []Reaction{}, Deleted: m.Deleted, CreatedAt: Time(m.CreatedAt),
	}
	if !m.EditedAt.IsZero() {
		t := Time(m.EditedAt)
		out.EditedAt = &t
	}
	return out
}

// QuoteOf is what a reply shows of m: its text cut to MaxQuoteRunes, none
// when m was deleted.
func QuoteOf(m parley.Message, sender User) *Quote {
	text := m.Text
	if r := []rune(text); len(r) > MaxQuoteRunes {
		text = string(r[:MaxQuoteRunes-1]) + "…"
	}
	return &Quote{ID: m.ID, Seq: m.Seq, Sender: sender, Text: text, Deleted: m.Deleted}
}

// Page is a slice of a room's log.
type Page struct {
	Messages []Message `json:"messages"`
	HasMore  bool      `json:"hasMore"`
}

// SyncRoom is one room's part of a sync answer: the messages after the
// client's cursor, the messages at or below it that changed since its rev,
// and the rev to send next time. HasMore covers both lists.
type SyncRoom struct {
	Messages []Message `json:"messages"`
	Changes  []Message `json:"changes"`
	HasMore  bool      `json:"hasMore"`
	Rev      int64     `json:"rev"`
}

// Thread is a message and its replies.
type Thread struct {
	Root    Message   `json:"root"`
	Replies []Message `json:"replies"`
	HasMore bool      `json:"hasMore"`
}
