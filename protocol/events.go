package protocol

import "github.com/parley-chat/parley"

// Event payloads sent to clients.
type (
	TypingEvent struct {
		Room   string `json:"room"`
		User   User   `json:"user"`
		Typing bool   `json:"typing"`
	}
	PresenceEvent struct {
		User   User `json:"user"`
		Online bool `json:"online"`
	}
	MemberEvent struct {
		Room   string `json:"room"`
		User   User   `json:"user"`
		Action string `json:"action"`
		// Role is the member's new role, set for the action "role" only.
		Role parley.Role `json:"role,omitempty"`
	}
	// StreamEvent is a piece of a bot's reply still being written.
	StreamEvent struct {
		Room     string `json:"room"`
		StreamID string `json:"streamId"`
		Delta    string `json:"delta"`
		Done     bool   `json:"done"`
	}
	// SessionEndedEvent tells a client, just before the server disconnects
	// it, that its token expired or was revoked: it must sign in again (a
	// service fetches a new token).
	SessionEndedEvent struct {
		Reason string `json:"reason"`
	}
	DeletedEvent struct {
		Room string `json:"room"`
		ID   string `json:"id"`
		Seq  int64  `json:"seq"`
	}
)

// Server -> client event names.
const (
	EventMessage  = "message"
	EventStream   = "message:stream"
	EventTyping   = "typing"
	EventPresence = "presence"
	EventMember   = "room:member"
	EventDeleted  = "message:deleted"
	// EventUpdated carries a whole Message after an edit, a reaction
	// change or a delete: clients replace their copy by id. Its reactions'
	// Me is false: the event goes to the whole room, and only a reader's
	// own reactions change their Me.
	EventUpdated = "message:updated"
	// EventRoomUpdated (Room, without the per-member fields) follows a
	// room:update.
	EventRoomUpdated = "room:updated"
	// EventSessionEnded (SessionEndedEvent) is the last event of a socket
	// whose token expired or was revoked.
	EventSessionEnded = "session:ended"
)

// SessionEndedEvent reasons.
const (
	SessionExpired = "expired" // the token reached its expiry
	SessionRevoked = "revoked" // a logout, a logout everywhere, or the service was revoked or rotated
)
