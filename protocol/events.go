package protocol

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
	}
	// StreamEvent is a piece of a bot's reply still being written.
	StreamEvent struct {
		Room     string `json:"room"`
		StreamID string `json:"streamId"`
		Delta    string `json:"delta"`
		Done     bool   `json:"done"`
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
)
