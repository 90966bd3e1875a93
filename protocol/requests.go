package protocol

import "github.com/parley-chat/parley"

// Client -> server event names. Each takes an ack, answered {ok: true, ...}
// or {ok: false, error: {code, message}}. "typing" is also the name of the
// server's event (EventTyping).
const (
	EventJoin          = "room:join"
	EventLeave         = "room:leave"
	EventSend          = "message:send"
	EventHistory       = "history"
	EventSync          = "sync"
	EventRead          = "read"
	EventOpenDirect    = "dm:open"
	EventInvite        = "room:invite"
	EventKick          = "room:kick"
	EventDelete        = "message:delete"
	EventUpdateRoom    = "room:update"
	EventRole          = "room:role"
	EventSkillRegister = "skill:register"
	EventEdit          = "message:edit"
	EventReactionAdd   = "reaction:add"
	EventReactionDel   = "reaction:remove"
	EventThread        = "thread"
	EventNotify        = "room:notify"
	// EventSkillRequest goes from the server to a service that registered
	// a skill, which answers through its ack.
	EventSkillRequest = "skill:request"
)

// Payloads of the client's events. Pointers tell a field left out from its
// zero value where the difference matters.
type (
	// RoomPayload names a room: room:join, room:leave.
	RoomPayload struct {
		Room string `json:"room"`
	}

	// MemberPayload names a room and a member by username: room:invite, room:kick.
	MemberPayload struct {
		Room string `json:"room"`
		User string `json:"user"`
	}

	// UpdateRoomPayload is room:update: a field left out is kept.
	UpdateRoomPayload struct {
		Room  string  `json:"room"`
		Name  *string `json:"name"`
		Topic *string `json:"topic"`
	}

	// RolePayload is room:role: a member's new role, by username.
	RolePayload struct {
		Room string      `json:"room"`
		User string      `json:"user"`
		Role parley.Role `json:"role"`
	}

	// SendPayload is message:send. ReplyTo names a message of the same
	// room that this one answers; Attachments are ids of files the sender
	// uploaded to the room (POST /api/rooms/:id/files), not yet attached.
	SendPayload struct {
		Room        string   `json:"room"`
		Text        string   `json:"text"`
		ClientMsgID string   `json:"clientMsgId"`
		ReplyTo     string   `json:"replyTo"`
		Attachments []string `json:"attachments"`
	}

	// EditPayload is message:edit.
	EditPayload struct {
		Room string `json:"room"`
		ID   string `json:"id"`
		Text string `json:"text"`
	}

	// ReactionPayload is reaction:add and reaction:remove.
	ReactionPayload struct {
		Room  string `json:"room"`
		ID    string `json:"id"`
		Emoji string `json:"emoji"`
	}

	// ThreadPayload is thread: a message's replies after a seq.
	ThreadPayload struct {
		Room  string `json:"room"`
		ID    string `json:"id"`
		After int64  `json:"after"`
		Limit int    `json:"limit"`
	}

	// HistoryPayload is history: messages before a seq (0: the newest).
	HistoryPayload struct {
		Room   string `json:"room"`
		Before int64  `json:"before"`
		Limit  int    `json:"limit"`
	}

	// SyncPayload is sync: the last seq the client holds per room, and
	// the rev its copy of those messages is as of.
	SyncPayload struct {
		Cursors map[string]int64 `json:"cursors"`
		Revs    map[string]int64 `json:"revs"`
	}

	// ReadPayload is read: the seq read up to.
	ReadPayload struct {
		Room string `json:"room"`
		Seq  *int64 `json:"seq"`
	}

	// TypingPayload is typing.
	TypingPayload struct {
		Room   string `json:"room"`
		Typing *bool  `json:"typing"`
	}

	// DirectPayload is dm:open: the other person's username.
	DirectPayload struct {
		User string `json:"user"`
	}

	// NotifyPayload is room:notify: the caller's notification level.
	NotifyPayload struct {
		Room  string             `json:"room"`
		Level parley.NotifyLevel `json:"level"`
	}

	// DeletePayload is message:delete.
	DeletePayload struct {
		Room string `json:"room"`
		ID   string `json:"id"`
	}
)
