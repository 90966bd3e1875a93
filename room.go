package parley

import "time"

// RoomKind tells group rooms from 1:1 direct rooms.
type RoomKind string

const (
	RoomGroup  RoomKind = "group"
	RoomDirect RoomKind = "direct"
)

// DefaultRoomID is the id of the room every new user joins.
const DefaultRoomID = "general"

// Room is a conversation. LastSeq is the seq of its newest message (0 when
// empty); LastRev counts every new message and every change to one (see
// Message.Rev), and LastChange is the rev of the newest change (0: none), so
// a client whose rev is at or above it has nothing to catch up on. DirectKey is set for direct rooms only (see DirectKey).
type Room struct {
	ID         string
	Name       string
	Topic      string
	Kind       RoomKind
	Private    bool
	OwnerID    string
	LastSeq    int64
	LastRev    int64
	LastChange int64
	DirectKey  string
	CreatedAt  time.Time
}

// DirectKey is the unique pair key of the direct room of two users: the same
// whichever of them opens it.
func DirectKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + ":" + b
}

// IsDirectOf reports whether r is the direct room of users a and b.
func (r *Room) IsDirectOf(a, b string) bool {
	return r.Kind == RoomDirect && r.DirectKey == DirectKey(a, b)
}

// Role is a member's standing in a room.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// CanModerate reports whether the role may invite, kick and delete others'
// messages.
func (r Role) CanModerate() bool { return r == RoleOwner || r == RoleAdmin }

// Membership links a user to a room. ReadSeq is the seq of the last message
// the user has read; everything after it is unread.
type Membership struct {
	RoomID   string
	UserID   string
	Role     Role
	JoinedAt time.Time
	ReadSeq  int64
	// Notify is the member's notification level; empty until they choose.
	Notify NotifyLevel
}

// Member is a membership with its account, for member lists.
type Member struct {
	User     User
	Role     Role
	JoinedAt time.Time
	ReadSeq  int64
}

// UserRoom is one of a user's rooms with the user's read state.
type UserRoom struct {
	Room    Room
	Role    Role
	ReadSeq int64
	Unread  int64 // Room.LastSeq - ReadSeq
	// Notify is the level the member chose; empty until they choose.
	Notify NotifyLevel
}
