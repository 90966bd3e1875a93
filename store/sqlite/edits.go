package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Edits implements store.Edits. Each change is one write transaction that
// takes the room's next rev and stamps it on the message, so the rev order
// is the commit order and Changes never skips one.
type Edits struct{ db *DB }

var _ store.Edits = (*Edits)(nil)

// Edit replaces the text and mentions of a message that is not deleted.
func (s *Edits) Edit(ctx context.Context, roomID, id, text string, mentions []string, at time.Time) (*parley.Message, error) {
	enc, err := encodeMentions(mentions)
	if err != nil {
		return nil, fmt.Errorf("invalid mentions: %w: %w", store.ErrInvalid, err)
	}
	var m *parley.Message
	err = s.db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := liveMessage(ctx, tx, roomID, id); err != nil {
			return err
		}
		m, err = change(ctx, tx, roomID, id, `text = ?, mentions = ?, edited_at = ?`,
			text, enc, toMillis(parley.Millis(at)))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// React reads the reactions, changes them in memory and writes them back:
// the write transaction holds the database's write lock throughout.
func (s *Edits) React(ctx context.Context, roomID, id, userID, emoji string, add bool) (*parley.Message, bool, error) {
	if userID == "" || emoji == "" {
		return nil, false, fmt.Errorf("user and emoji are required: %w", store.ErrInvalid)
	}
	var m *parley.Message
	changed := false
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := liveMessage(ctx, tx, roomID, id)
		if err != nil {
			return err
		}
		rs, ok, err := store.React(cur.Reactions, userID, emoji, add)
		if err != nil || !ok {
			m = cur
			return err
		}
		enc, err := encodeReactions(rs)
		if err != nil {
			return err
		}
		m, err = change(ctx, tx, roomID, id, `reactions = ?`, enc)
		changed = err == nil
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return m, changed, nil
}

// Changes reads the partial index of changed messages.
func (s *Edits) Changes(ctx context.Context, roomID string, afterRev, upTo int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+msgCols+` FROM messages INDEXED BY messages_changes
		  WHERE room_id = ? AND changed = 1 AND rev > ? AND seq <= ?
		  ORDER BY rev LIMIT ?`,
		roomID, afterRev, upTo, limit+1)
	return scanPage(rows, err, limit)
}

// messageIn reads a message of a room inside tx; ErrNotFound if absent.
func messageIn(ctx context.Context, tx *sql.Tx, roomID, id string) (*parley.Message, error) {
	m, err := scanMessage(tx.QueryRowContext(ctx,
		`SELECT `+msgCols+` FROM messages WHERE id = ? AND room_id = ?`, id, roomID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message: %w: %w", store.ErrNotFound, err)
	}
	return m, err
}

// liveMessage reads a message of a room that is not deleted: ErrNotFound
// otherwise.
func liveMessage(ctx context.Context, tx *sql.Tx, roomID, id string) (*parley.Message, error) {
	m, err := messageIn(ctx, tx, roomID, id)
	if err == nil && m.Deleted {
		return nil, fmt.Errorf("message: %w", store.ErrNotFound)
	}
	return m, err
}

// change applies set (an SQL SET list and its arguments) to a message,
// takes the room's next rev for it and returns the result.
func change(ctx context.Context, tx *sql.Tx, roomID, id, set string, args ...any) (*parley.Message, error) {
	var rev int64
	if err := tx.QueryRowContext(ctx,
		`UPDATE rooms SET last_rev = last_rev + 1, last_change = last_rev + 1 WHERE id = ? RETURNING last_rev`, roomID).Scan(&rev); err != nil {
		return nil, storeError(err, "room")
	}
	args = append(args, rev, id, roomID)
	m, err := scanMessage(tx.QueryRowContext(ctx,
		`UPDATE messages SET `+set+`, rev = ?, changed = 1 WHERE id = ? AND room_id = ? RETURNING `+msgCols, args...))
	if err != nil {
		return nil, storeError(err, "message")
	}
	return m, nil
}
