package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-chat/parley/store"
)

// Knowledge implements store.KnowledgeBase.
type Knowledge struct{ db *DB }

var _ store.KnowledgeBase = (*Knowledge)(nil)

// Teach stores k, replacing an earlier answer to the same question.
func (s *Knowledge) Teach(ctx context.Context, k store.Knowledge) error {
	if k.Question == "" || k.Answer == "" {
		return fmt.Errorf("question and answer are required: %w", store.ErrInvalid)
	}
	created := s.db.stamp(k.CreatedAt)
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO knowledge (room_id, question, answer, taught_by, created_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT (room_id, question) DO UPDATE SET answer = excluded.answer,
			 taught_by = excluded.taught_by, created_at = excluded.created_at`,
			k.RoomID, k.Question, k.Answer, k.TaughtBy, toMillis(created))
		return err
	})
}

// Lookup prefers the room's own answer to the one taught for every room.
func (s *Knowledge) Lookup(ctx context.Context, roomID, question string) (*store.Knowledge, error) {
	k := store.Knowledge{Question: question}
	var created int64
	err := s.db.read.QueryRowContext(ctx,
		`SELECT room_id, answer, taught_by, created_at FROM knowledge
		 WHERE question = ? AND room_id IN (?, '') ORDER BY room_id = '' LIMIT 1`,
		question, roomID).Scan(&k.RoomID, &k.Answer, &k.TaughtBy, &created)
	if err != nil {
		return nil, storeError(err, "answer")
	}
	k.CreatedAt = fromMillis(created)
	return &k, nil
}

// Forget removes the room's answer to question.
func (s *Knowledge) Forget(ctx context.Context, roomID, question string) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`DELETE FROM knowledge WHERE room_id = ? AND question = ?`, roomID, question)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("nothing was taught for %q: %w", question, store.ErrNotFound)
			}
			return err
		}
		return nil
	})
}
