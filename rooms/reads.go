package rooms

import (
	"context"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// Page sizes for history and sync.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// History returns a page of a room's messages older than before (0: the
// newest), oldest first: the newest limit of them that fit in
// MaxAnswerBytes. hasMore says older ones exist.
func (h *Hub) History(ctx context.Context, user parley.User, roomID string, before int64, limit int) (protocol.Page, error) {
	if before < 0 {
		return protocol.Page{}, parley.Errorf(parley.CodeBadRequest, "before must not be negative")
	}
	limit, err := pageSize(limit)
	if err != nil {
		return protocol.Page{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return protocol.Page{}, err
	}
	msgs, more, err := h.store.Messages.History(ctx, m.RoomID, before, limit)
	if err != nil {
		return protocol.Page{}, err
	}
	views, err := h.view(ctx, user.ID, msgs)
	if err != nil {
		return protocol.Page{}, err
	}
	views, cut, err := newBudget(limit, h.cfg.MaxAnswerBytes).tail(views)
	if err != nil {
		return protocol.Page{}, err
	}
	return protocol.Page{Messages: views, HasMore: more || cut}, nil
}

// Sync returns, for every room of user, the messages after the client's
// cursor (or after the stored read cursor for rooms the client did not
// name), and, for rooms it gave a rev for, the messages at or below the
// cursor that changed since that rev. Cursors for rooms the user is no
// longer in are ignored: a reconnecting client must still get the rest.
// hasMore tells the client to sync again with the last seq it got and the
// rev it got.
//
// One answer carries at most SyncMaxMessages messages and MaxAnswerBytes
// of them, changes first, taken room after room in the order RoomsOf lists
// them; a room the budget did not reach answers nothing new and hasMore,
// and is served by the client's next sync.
func (h *Hub) Sync(ctx context.Context, user parley.User, cursors, revs map[string]int64) (map[string]protocol.SyncRoom, error) {
	for room, seq := range cursors {
		if seq < 0 {
			return nil, parley.Errorf(parley.CodeBadRequest, "cursor for room %q must not be negative", room)
		}
	}
	for room, rev := range revs {
		if rev < 0 {
			return nil, parley.Errorf(parley.CodeBadRequest, "rev for room %q must not be negative", room)
		}
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	// The revs come from this read, before the messages are: a change made
	// meanwhile is in what we read and may come again next time, but is
	// never skipped.
	mine, err := h.store.Memberships.RoomsOf(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]protocol.SyncRoom, len(mine))
	b := newBudget(h.cfg.SyncMaxMessages, h.cfg.MaxAnswerBytes)
	for _, ur := range mine {
		after, ok := cursors[ur.Room.ID]
		if !ok {
			after = ur.ReadSeq
		}
		rev, hasRev := revs[ur.Room.ID]
		if !hasRev {
			rev = ur.Room.LastRev // nothing to catch up on below the cursor
		}
		room, err := h.syncRoom(ctx, user.ID, ur.Room, after, rev, b)
		if err != nil {
			return nil, err
		}
		out[ur.Room.ID] = room
	}
	return out, nil
}

// syncRoom is one room's part of Sync: changes first, then new messages,
// as far as the budget goes.
func (h *Hub) syncRoom(ctx context.Context, viewerID string, r parley.Room, after, rev int64, b *budget) (protocol.SyncRoom, error) {
	out := protocol.SyncRoom{Messages: []protocol.Message{}, Changes: []protocol.Message{}, Rev: rev}
	if after >= r.LastSeq && rev >= r.LastRev {
		out.Rev = r.LastRev
		return out, nil
	}
	if b.spent() {
		out.HasMore = true
		return out, nil
	}
	if rev < r.LastChange {
		changed, more, err := h.store.Edits.Changes(ctx, r.ID, rev, min(after, r.LastSeq), min(MaxPageSize, b.messages))
		if err != nil {
			return out, err
		}
		views, cut, err := h.fit(ctx, viewerID, changed, b)
		if err != nil {
			return out, err
		}
		out.Changes = views
		if more || cut {
			// The rest of the changes come next time, from the last one
			// taken: they are in rev order.
			if len(views) > 0 {
				out.Rev = views[len(views)-1].Rev
			}
			out.HasMore = true
			return out, nil
		}
	}
	out.Rev = r.LastRev
	if after >= r.LastSeq {
		return out, nil
	}
	if b.spent() {
		out.HasMore = true
		return out, nil
	}
	msgs, more, err := h.store.Messages.After(ctx, r.ID, after, min(MaxPageSize, b.messages))
	if err != nil {
		return out, err
	}
	views, cut, err := h.fit(ctx, viewerID, msgs, b)
	if err != nil {
		return out, err
	}
	out.Messages, out.HasMore = views, more || cut
	return out, nil
}

// fit views msgs for viewerID and keeps the oldest that fit in b; cut
// says some did not.
func (h *Hub) fit(ctx context.Context, viewerID string, msgs []parley.Message, b *budget) ([]protocol.Message, bool, error) {
	views, err := h.view(ctx, viewerID, msgs)
	if err != nil {
		return nil, false, err
	}
	return b.head(views)
}

// Read advances user's read cursor in a room; it never moves backwards.
func (h *Hub) Read(ctx context.Context, user parley.User, roomID string, seq int64) (int64, error) {
	if seq < 0 {
		return 0, parley.Errorf(parley.CodeBadRequest, "seq must not be negative")
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return 0, err
	}
	return h.store.Memberships.MarkRead(ctx, m.RoomID, user.ID, seq)
}

func pageSize(limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, parley.Errorf(parley.CodeBadRequest, "limit must not be negative")
	case limit == 0:
		return DefaultPageSize, nil
	case limit > MaxPageSize:
		return MaxPageSize, nil
	}
	return limit, nil
}
