package store

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
)

// Edits changes messages after they were stored. Every change takes the
// room's next rev (parley.Room.LastRev) and stamps it on the message, so a
// client that was away finds it through Changes instead of refetching
// history. Messages.Delete is such a change too.
type Edits interface {
	// Edit replaces a message's text and mentions and sets its EditedAt to
	// at. ErrNotFound when the room has no such message or it was deleted.
	Edit(ctx context.Context, roomID, id, text string, mentions []string, at time.Time) (*parley.Message, error)
	// React adds (add true) or removes userID's emoji on a message and
	// returns the message. changed is false, and no rev is taken, when the
	// reaction was already there (or already absent). ErrNotFound when the
	// room has no such message or it was deleted; ErrInvalid when adding
	// would put more than parley.MaxReactionKinds distinct emoji on it.
	React(ctx context.Context, roomID, id, userID, emoji string, add bool) (m *parley.Message, changed bool, err error)
	// Changes returns up to limit messages of a room with seq <= upTo and
	// rev > afterRev that were changed after they were stored (edited,
	// reacted to or deleted), in rev order, and whether more exist.
	Changes(ctx context.Context, roomID string, afterRev, upTo int64, limit int) ([]parley.Message, bool, error)
}

// Threads reads the messages that answer others (parley.Message.ReplyTo).
type Threads interface {
	// Replies returns up to limit messages of a room whose ReplyTo is id
	// and whose seq is above after, oldest first, and whether more exist.
	// An unknown id has no replies: no error.
	Replies(ctx context.Context, roomID, id string, after int64, limit int) ([]parley.Message, bool, error)
	// ByIDs returns the messages of a room among ids, in no particular
	// order; unknown ids are skipped, never an error.
	ByIDs(ctx context.Context, roomID string, ids []string) ([]parley.Message, error)
}
