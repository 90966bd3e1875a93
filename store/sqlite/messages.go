package sqlite

import (
	"context"
	"database/sql"
	"math"
	"slices"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Messages implements store.Messages.
type Messages struct{ db *DB }

var _ store.Messages = (*Messages)(nil)

const msgCols = `id, room_id, seq, sender_id, text, mentions, client_msg_id, stream_id, deleted, created_at, rev, reply_to, edited_at, reactions, attachments`

// Page sizes: a limit <= 0 means defaultLimit; larger ones are capped so no
// caller can make the store materialise a whole room.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

func clampLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// Append stores msgs in one IMMEDIATE transaction (see batch.go).
func (s *Messages) Append(ctx context.Context, msgs []parley.Message) ([]store.AppendResult, error) {
	if len(msgs) == 0 {
		return []store.AppendResult{}, nil
	}
	results := make([]store.AppendResult, len(msgs))
	now := parley.Millis(s.db.now()) // one clock read stamps the whole batch
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		b := s.db.stmts.begin(ctx, tx)
		for i := range msgs {
			res, err := b.append(&msgs[i], now)
			if err != nil {
				return err
			}
			results[i] = res
		}
		return b.finish()
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// History returns up to limit messages with seq < before (before <= 0: the
// newest), oldest first, and whether older ones exist.
func (s *Messages) History(ctx context.Context, roomID string, before int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+msgCols+` FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		roomID, before, limit+1)
	msgs, more, err := scanPage(rows, err, limit)
	if err != nil {
		return nil, false, err
	}
	slices.Reverse(msgs)
	return msgs, more, nil
}

// After returns up to limit messages with seq > after, oldest first, and
// whether newer ones exist beyond them.
func (s *Messages) After(ctx context.Context, roomID string, after int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+msgCols+` FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		roomID, after, limit+1)
	return scanPage(rows, err, limit)
}

// Get returns NOT_FOUND if the room has no message with that id.
func (s *Messages) Get(ctx context.Context, roomID, id string) (*parley.Message, error) {
	m, err := scanMessage(s.db.read.QueryRowContext(ctx,
		`SELECT `+msgCols+` FROM messages WHERE id = ? AND room_id = ?`, id, roomID))
	if err != nil {
		return nil, storeError(err, "message")
	}
	return m, nil
}

// Delete turns the message into a tombstone that keeps its id, seq, sender
// and clientMsgId, so a late retry of the send still finds it and is not
// stored again. Its files are released in the same transaction, for
// orphan cleanup to remove (store.Files.Orphans).
func (s *Messages) Delete(ctx context.Context, roomID, id string) (*parley.Message, error) {
	var m *parley.Message
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := messageIn(ctx, tx, roomID, id)
		if err != nil || cur.Deleted {
			m = cur
			return err
		}
		m, err = change(ctx, tx, roomID, id, `text = '', mentions = '[]', reactions = '[]', attachments = '[]', deleted = 1`)
		if err != nil || len(cur.Attachments) == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE files SET message_deleted = 1 WHERE message_id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// scanPage reads up to limit messages and reports whether there was one
// more (the queries ask for limit+1).
func scanPage(rows *sql.Rows, err error, limit int) ([]parley.Message, bool, error) {
	if err != nil {
		return nil, false, storeError(err, "")
	}
	defer rows.Close()
	msgs := make([]parley.Message, 0, min(limit, 64))
	more := false
	for rows.Next() {
		if len(msgs) == limit {
			more = true
			break
		}
		m, err := scanMessage(rows)
		if err != nil {
			return nil, false, storeError(err, "")
		}
		msgs = append(msgs, *m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, storeError(err, "")
	}
	return msgs, more, nil
}

func scanMessage(sc scanner) (*parley.Message, error) {
	var m parley.Message
	var mentions, reactions, attachments string
	var created, edited int64
	if err := sc.Scan(&m.ID, &m.RoomID, &m.Seq, &m.SenderID, &m.Text, &mentions,
		&m.ClientMsgID, &m.StreamID, &m.Deleted, &created, &m.Rev, &m.ReplyTo, &edited, &reactions, &attachments); err != nil {
		return nil, err
	}
	var err error
	if m.Mentions, err = decodeMentions(mentions); err != nil {
		return nil, err
	}
	// The same JSON array of strings as mentions.
	if m.Attachments, err = decodeMentions(attachments); err != nil {
		return nil, err
	}
	if m.Reactions, err = decodeReactions(reactions); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMillis(created)
	if edited != 0 {
		m.EditedAt = fromMillis(edited)
	}
	return &m, nil
}
