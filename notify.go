package parley

// NotifyLevel is how much of a room's traffic a member wants to be
// notified of. The empty level is the room kind's default (Effective).
type NotifyLevel string

const (
	// NotifyAll: every message of someone else.
	NotifyAll NotifyLevel = "all"
	// NotifyMentions: the messages that mention the member.
	NotifyMentions NotifyLevel = "mentions"
	// NotifyNone: nothing.
	NotifyNone NotifyLevel = "none"
)

// Valid reports whether l is one a member may choose.
func (l NotifyLevel) Valid() bool {
	return l == NotifyAll || l == NotifyMentions || l == NotifyNone
}

// Effective is the level that applies in a room of kind: the chosen one,
// or by default every message of a direct room (each is written to the
// member) and only the mentions in a group room (which may be busy).
func (l NotifyLevel) Effective(kind RoomKind) NotifyLevel {
	if l != "" {
		return l
	}
	if kind == RoomDirect {
		return NotifyAll
	}
	return NotifyMentions
}
