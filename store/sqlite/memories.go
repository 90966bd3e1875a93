package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Memories implements store.Memories. Turns and dialogues are JSON columns:
// they are read and written whole, inside one IMMEDIATE transaction, so two
// writers to one room cannot lose each other's updates.
type Memories struct{ db *DB }

var _ store.Memories = (*Memories)(nil)

// Get returns the room's memory, empty if none is stored.
func (s *Memories) Get(ctx context.Context, roomID string) (*store.Memory, error) {
	m, err := loadMemory(ctx, s.db.read, roomID)
	if err != nil {
		return nil, storeError(err, "memory")
	}
	return m, nil
}

// AddTurns appends turns and keeps the newest keep.
func (s *Memories) AddTurns(ctx context.Context, roomID string, turns []store.Turn, keep int) error {
	if roomID == "" || keep < 1 {
		return fmt.Errorf("room and a positive turn limit are required: %w", store.ErrInvalid)
	}
	return s.update(ctx, roomID, func(m *store.Memory) {
		for _, t := range turns {
			t.At = parley.Millis(t.At)
			m.Turns = append(m.Turns, t)
		}
		if n := len(m.Turns); n > keep {
			m.Turns = append([]store.Turn(nil), m.Turns[n-keep:]...)
		}
	})
}

// SetDialogue stores or (nil d) ends userID's dialogue in the room.
func (s *Memories) SetDialogue(ctx context.Context, roomID, userID string, d *store.Dialogue) error {
	if roomID == "" || userID == "" {
		return fmt.Errorf("room and user are required: %w", store.ErrInvalid)
	}
	return s.update(ctx, roomID, func(m *store.Memory) {
		if d == nil {
			delete(m.Dialogues, userID)
			return
		}
		c := *d
		c.ExpiresAt = parley.Millis(c.ExpiresAt)
		m.Dialogues[userID] = c
	})
}

// Expire deletes memories not written since before.
func (s *Memories) Expire(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`DELETE FROM assistant_memory WHERE updated_at < ?`, toMillis(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func (s *Memories) update(ctx context.Context, roomID string, change func(*store.Memory)) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		m, err := loadMemory(ctx, tx, roomID)
		if err != nil {
			return err
		}
		change(m)
		turns, err := json.Marshal(m.Turns)
		if err != nil {
			return err
		}
		state, err := json.Marshal(m.Dialogues)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`INSERT INTO assistant_memory (room_id, turns, state, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (room_id) DO UPDATE SET turns = excluded.turns, state = excluded.state,
			 updated_at = excluded.updated_at`,
			roomID, string(turns), string(state), toMillis(s.db.stamp(time.Time{})))
		return err
	})
}

func loadMemory(ctx context.Context, q querier, roomID string) (*store.Memory, error) {
	m := &store.Memory{RoomID: roomID, Dialogues: map[string]store.Dialogue{}}
	var turns, state string
	var updated int64
	err := q.QueryRowContext(ctx,
		`SELECT turns, state, updated_at FROM assistant_memory WHERE room_id = ?`, roomID).
		Scan(&turns, &state, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(turns), &m.Turns); err != nil {
		return nil, fmt.Errorf("memory of room %q is corrupt: %w", roomID, err)
	}
	if err := json.Unmarshal([]byte(state), &m.Dialogues); err != nil {
		return nil, fmt.Errorf("memory of room %q is corrupt: %w", roomID, err)
	}
	if m.Dialogues == nil {
		m.Dialogues = map[string]store.Dialogue{}
	}
	m.UpdatedAt = fromMillis(updated)
	return m, nil
}
