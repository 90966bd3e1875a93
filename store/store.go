// Package store holds the small storage interfaces that every backend
// (store/sqlite, store/mongo) implements for the domain types of package
// parley. Backends translate their driver errors into the typed errors of
// this package (ErrNotFound, ErrConflict, ...), so callers never see a
// driver type and never get a backend's wording. The behaviour every
// backend must share is written down once, as executable tests, in
// store/storetest.
package store

import (
	"context"

	"github.com/parley-chat/parley"
)

// Users stores accounts.
type Users interface {
	// Create inserts u. It returns ErrConflict when the username is taken
	// (case-insensitively) and ErrInvalid when ID or Username is empty.
	Create(ctx context.Context, u *parley.User) error
	// ByID returns ErrNotFound when no user has that id.
	ByID(ctx context.Context, id string) (*parley.User, error)
	// ByUsername matches case-insensitively; ErrNotFound when nobody has it.
	ByUsername(ctx context.Context, username string) (*parley.User, error)
	// ByUsernames returns the users that have any of usernames (matched
	// case-insensitively), in no particular order; unknown names are
	// skipped, never an error.
	ByUsernames(ctx context.Context, usernames []string) ([]parley.User, error)
	// ByIDs returns the users that exist among ids, in no particular order;
	// unknown ids are skipped, never an error.
	ByIDs(ctx context.Context, ids []string) ([]parley.User, error)
}

// Rooms stores rooms. Membership is kept by Memberships.
type Rooms interface {
	// Create inserts a group room and makes ownerID its owner and first
	// member, atomically. It returns ErrConflict if the id exists, ErrNotFound if
	// the owner does not, ErrInvalid for an empty id or name.
	Create(ctx context.Context, r *parley.Room, ownerID string) error
	// ByID returns ErrNotFound when no room has that id.
	ByID(ctx context.Context, id string) (*parley.Room, error)
	// Public lists the group rooms that are not private, by name.
	Public(ctx context.Context) ([]parley.Room, error)
	// Groups lists every group room, private ones too, by name (then id):
	// the room browser of server administrators. It never returns
	// ErrNotFound.
	Groups(ctx context.Context) ([]parley.Room, error)
	// OpenDirect returns the direct room of users a and b, creating it (with
	// both as members) the first time; r supplies id and createdAt for that
	// case. created reports whether this call made it. It returns
	// ErrNotFound if either user does not exist and ErrInvalid if a == b.
	OpenDirect(ctx context.Context, r *parley.Room, a, b string) (room *parley.Room, created bool, err error)
}

// Memberships stores who is in which room and how far each member has read.
type Memberships interface {
	// Add makes m.UserID a member of m.RoomID, with m.ReadSeq clamped to
	// [0, the room's lastSeq]. It is idempotent: added is false (and the
	// stored membership kept) if the user was already a member.
	// ErrNotFound if the room or user does not exist.
	Add(ctx context.Context, m parley.Membership) (added bool, err error)
	// Remove ends a membership; ErrNotFound if the user was not a member.
	Remove(ctx context.Context, roomID, userID string) error
	// Get returns ErrNotFound when userID is not a member of roomID.
	Get(ctx context.Context, roomID, userID string) (*parley.Membership, error)
	// Members lists a room's members with their accounts, oldest first.
	Members(ctx context.Context, roomID string) ([]parley.Member, error)
	// RoomsOf lists the rooms userID belongs to, with unread counts.
	RoomsOf(ctx context.Context, userID string) ([]parley.UserRoom, error)
	// MarkRead moves the read cursor forward to seq (capped at the room's
	// lastSeq); it never moves it backwards. It returns the resulting
	// readSeq, or ErrNotFound when the user is not a member.
	MarkRead(ctx context.Context, roomID, userID string, seq int64) (int64, error)
}

// Messages stores the per-room, gap-free message log.
type Messages interface {
	// Append stores a batch of messages in one transaction: each gets the
	// next seq of its room. A message whose (SenderID, ClientMsgID) was
	// stored before (or earlier in the same batch) is not stored again: its
	// result carries the original with Duplicate set. The sender's read
	// cursor advances to their own message. Each file of a message's
	// Attachments gets the message's id as its MessageID in the same
	// transaction; unless every one is a distinct, existing, unattached file
	// of the message's room uploaded by its sender (at most
	// parley.MaxAttachments), the message fails with ErrInvalid and nothing
	// of it is stored. A duplicate touches no file. Per-message failures
	// (ErrNotFound room, ErrInvalid fields) are reported in the result and
	// do not stop the batch; a returned error means nothing in the batch was
	// stored (ErrUnavailable or INTERNAL).
	Append(ctx context.Context, msgs []parley.Message) ([]AppendResult, error)
	// History returns up to limit messages of a room with seq < before
	// (before <= 0: from the newest), oldest first, and whether older ones
	// exist.
	History(ctx context.Context, roomID string, before int64, limit int) ([]parley.Message, bool, error)
	// After returns up to limit messages with seq > after, oldest first, and
	// whether newer ones exist beyond them.
	After(ctx context.Context, roomID string, after int64, limit int) ([]parley.Message, bool, error)
	// Get returns ErrNotFound if the room has no message with that id.
	Get(ctx context.Context, roomID, id string) (*parley.Message, error)
	// Delete turns a message into a tombstone (empty text, no mentions,
	// reactions or attachments, Deleted set, same seq) and returns it; like
	// every change it takes the room's next rev (see Edits). The files it
	// carried are released in the same transaction: Files.Orphans returns
	// them from then on. ErrNotFound if absent. Deleting twice is fine and
	// takes no second rev.
	Delete(ctx context.Context, roomID, id string) (*parley.Message, error)
}

// Backend is the lifecycle of a store's connection.
type Backend interface {
	// Ping returns ErrUnavailable when the database does not answer.
	Ping(ctx context.Context) error
	// Close releases the database; safe to call twice.
	Close() error
}

// Store bundles one backend's implementations.
type Store struct {
	Users       Users
	People      People
	UserAdmin   UserAdmin
	Rooms       Rooms
	Memberships Memberships
	RoomAdmin   RoomAdmin
	// Notifications are the members' notification levels.
	Notifications Notifications
	Messages      Messages
	Edits         Edits
	Threads       Threads
	Search        Search
	Files         Files
	Blobs         Blobs
	Memories      Memories
	Knowledge     KnowledgeBase
	Services      Services
	Revocations   Revocations
	Backend       Backend
}
