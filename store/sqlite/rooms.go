package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Rooms implements store.Rooms.
type Rooms struct{ db *DB }

var _ store.Rooms = (*Rooms)(nil)

const roomCols = `id, name, topic, kind, private, owner_id, last_seq, last_rev, last_change, COALESCE(direct_key, ''), created_at`

// Create inserts a group room with ownerID as owner and first member. It
// fills in r's Kind, OwnerID and a zero CreatedAt.
func (s *Rooms) Create(ctx context.Context, r *parley.Room, ownerID string) error {
	if r == nil || r.ID == "" {
		return fmt.Errorf("room id is required: %w", store.ErrInvalid)
	}
	if strings.TrimSpace(r.Name) == "" {
		return fmt.Errorf("room name is required: %w", store.ErrInvalid)
	}
	if ownerID == "" {
		return fmt.Errorf("room owner is required: %w", store.ErrInvalid)
	}
	created := s.db.stamp(r.CreatedAt)
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, ownerID); err != nil {
			return err
		}
		nr := parley.Room{ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: parley.RoomGroup, Private: r.Private, OwnerID: ownerID, CreatedAt: created}
		if err := insertRoom(ctx, tx, &nr); err != nil {
			return err
		}
		return insertMember(ctx, tx, nr.ID, ownerID, parley.RoleOwner, created)
	})
	if err != nil {
		return err
	}
	r.Kind, r.OwnerID, r.CreatedAt, r.LastSeq, r.DirectKey = parley.RoomGroup, ownerID, created, 0, ""
	return nil
}

// ByID returns NOT_FOUND when no room has that id.
func (s *Rooms) ByID(ctx context.Context, id string) (*parley.Room, error) {
	r, err := scanRoom(s.db.read.QueryRowContext(ctx, `SELECT `+roomCols+` FROM rooms WHERE id = ?`, id))
	if err != nil {
		return nil, storeError(err, "room")
	}
	return r, nil
}

// Public lists the public group rooms by name.
func (s *Rooms) Public(ctx context.Context) ([]parley.Room, error) {
	return s.list(ctx, `SELECT `+roomCols+` FROM rooms WHERE kind = ? AND private = 0 ORDER BY name, id`)
}

// Groups lists every group room, private ones too, by name.
func (s *Rooms) Groups(ctx context.Context) ([]parley.Room, error) {
	return s.list(ctx, `SELECT `+roomCols+` FROM rooms WHERE kind = ? ORDER BY name, id`)
}

// list runs a query of group rooms.
func (s *Rooms) list(ctx context.Context, query string) ([]parley.Room, error) {
	rows, err := s.db.read.QueryContext(ctx, query, string(parley.RoomGroup))
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	rooms := []parley.Room{}
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return nil, storeError(err, "")
		}
		rooms = append(rooms, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return rooms, nil
}

// OpenDirect returns the direct room of a and b, creating it on first use.
// Lookup and insert share one IMMEDIATE transaction, so concurrent callers
// (in this process or another) serialise on the write lock and all but the
// first find the room the first one made.
func (s *Rooms) OpenDirect(ctx context.Context, r *parley.Room, a, b string) (*parley.Room, bool, error) {
	if a == "" || b == "" {
		return nil, false, fmt.Errorf("both users are required: %w", store.ErrInvalid)
	}
	if a == b {
		return nil, false, fmt.Errorf("a direct room needs two different users: %w", store.ErrInvalid)
	}
	if r == nil || r.ID == "" {
		return nil, false, fmt.Errorf("room id is required: %w", store.ErrInvalid)
	}
	key := parley.DirectKey(a, b)
	var room *parley.Room
	created := false
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		created = false
		existing, err := scanRoom(tx.QueryRowContext(ctx,
			`SELECT `+roomCols+` FROM rooms WHERE direct_key = ?`, key))
		if err == nil {
			room = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for _, id := range []string{a, b} {
			if err := userExists(ctx, tx, id); err != nil {
				return err
			}
		}
		nr := parley.Room{
			ID:        r.ID,
			Name:      r.Name,
			Topic:     r.Topic,
			Kind:      parley.RoomDirect,
			Private:   true, // only its two members may ever see it
			DirectKey: key,
			CreatedAt: s.db.stamp(r.CreatedAt),
		}
		if err := insertRoom(ctx, tx, &nr); err != nil {
			return err
		}
		for _, id := range []string{a, b} {
			if err := insertMember(ctx, tx, nr.ID, id, parley.RoleMember, nr.CreatedAt); err != nil {
				return err
			}
		}
		room, created = &nr, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return room, created, nil
}

// insertRoom stores a new room; CONFLICT if its id is taken.
func insertRoom(ctx context.Context, tx *sql.Tx, r *parley.Room) error {
	var directKey any // NULL for group rooms: the unique index skips them
	if r.DirectKey != "" {
		directKey = r.DirectKey
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO rooms (id, name, topic, kind, private, owner_id, last_seq, direct_key, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		r.ID, r.Name, r.Topic, string(r.Kind), r.Private, r.OwnerID, directKey, toMillis(r.CreatedAt))
	if isUnique(err) {
		return fmt.Errorf("room %q: %w: %w", r.ID, store.ErrConflict, err)
	}
	return err
}

// insertMember stores a new membership with nothing read.
func insertMember(ctx context.Context, tx *sql.Tx, roomID, userID string, role parley.Role, joined time.Time) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO memberships (user_id, room_id, role, joined_at, read_seq) VALUES (?, ?, ?, ?, 0)`,
		userID, roomID, string(role), toMillis(joined))
	return err
}

// userExists returns NOT_FOUND naming the user when id has no account.
func userExists(ctx context.Context, q querier, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %q: %w: %w", id, store.ErrNotFound, err)
	}
	return err
}

// roomExists returns NOT_FOUND naming the room when id has no room.
func roomExists(ctx context.Context, q querier, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM rooms WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("room %q: %w: %w", id, store.ErrNotFound, err)
	}
	return err
}

// querier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanRoom(sc scanner) (*parley.Room, error) {
	var r parley.Room
	var kind string
	var created int64
	if err := sc.Scan(&r.ID, &r.Name, &r.Topic, &kind, &r.Private, &r.OwnerID, &r.LastSeq, &r.LastRev, &r.LastChange, &r.DirectKey, &created); err != nil {
		return nil, err
	}
	r.Kind = parley.RoomKind(kind)
	r.CreatedAt = fromMillis(created)
	return &r, nil
}
