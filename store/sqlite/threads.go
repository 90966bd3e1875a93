package sqlite

import (
	"context"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Threads implements store.Threads.
type Threads struct{ db *DB }

var _ store.Threads = (*Threads)(nil)

// Replies reads the partial index on reply_to.
func (s *Threads) Replies(ctx context.Context, roomID, id string, after int64, limit int) ([]parley.Message, bool, error) {
	limit = clampLimit(limit)
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+msgCols+` FROM messages INDEXED BY messages_replies
		  WHERE room_id = ? AND reply_to = ? AND seq > ? AND reply_to <> ''
		  ORDER BY seq LIMIT ?`,
		roomID, id, after, limit+1)
	return scanPage(rows, err, limit)
}

// ByIDs reads at most maxLimit messages, the page size every caller
// quotes from.
func (s *Threads) ByIDs(ctx context.Context, roomID string, ids []string) ([]parley.Message, error) {
	if len(ids) == 0 {
		return []parley.Message{}, nil
	}
	ids = ids[:min(len(ids), maxLimit)]
	args := make([]any, 0, len(ids)+1)
	args = append(args, roomID)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+msgCols+` FROM messages WHERE room_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	msgs, _, err := scanPage(rows, err, len(ids))
	return msgs, err
}
