package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Memberships implements store.Memberships.
type Memberships struct{ db *DB }

var _ store.Memberships = (*Memberships)(nil)

// Add makes m.UserID a member of m.RoomID; a second Add keeps the stored
// membership. An empty Role means member, a zero JoinedAt means now, and
// ReadSeq is clamped to [0, room lastSeq].
func (s *Memberships) Add(ctx context.Context, m parley.Membership) (bool, error) {
	if m.RoomID == "" || m.UserID == "" {
		return false, fmt.Errorf("room and user are required: %w", store.ErrInvalid)
	}
	if m.Role == "" {
		m.Role = parley.RoleMember
	}
	joined := s.db.stamp(m.JoinedAt)
	added := false
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := roomExists(ctx, tx, m.RoomID); err != nil {
			return err
		}
		if err := userExists(ctx, tx, m.UserID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO memberships (user_id, room_id, role, joined_at, read_seq)
			 VALUES (?, ?, ?, ?, MAX(0, MIN(?, (SELECT last_seq FROM rooms WHERE id = ?))))
			 ON CONFLICT (user_id, room_id) DO NOTHING`,
			m.UserID, m.RoomID, string(m.Role), toMillis(joined), m.ReadSeq, m.RoomID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	if err != nil {
		return false, err
	}
	return added, nil
}

// Remove ends a membership; NOT_FOUND if there was none.
func (s *Memberships) Remove(ctx context.Context, roomID, userID string) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		return execMembership(ctx, tx, roomID, userID, `DELETE FROM memberships WHERE user_id = ? AND room_id = ?`)
	})
}

// execMembership runs query, whose last two arguments are the user and the
// room, on one membership: NOT_FOUND when there is none.
func execMembership(ctx context.Context, tx *sql.Tx, roomID, userID, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, append(args, userID, roomID)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("user %q is not a member of room %q: %w", userID, roomID, store.ErrNotFound)
	}
	return nil
}

// Get returns NOT_FOUND when userID is not a member of roomID.
func (s *Memberships) Get(ctx context.Context, roomID, userID string) (*parley.Membership, error) {
	m := parley.Membership{RoomID: roomID, UserID: userID}
	var role, notify string
	var joined int64
	err := s.db.read.QueryRowContext(ctx,
		`SELECT role, joined_at, read_seq, notify FROM memberships WHERE user_id = ? AND room_id = ?`,
		userID, roomID).Scan(&role, &joined, &m.ReadSeq, &notify)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %q is not a member of room %q: %w: %w", userID, roomID, store.ErrNotFound, err)
	}
	if err != nil {
		return nil, storeError(err, "")
	}
	m.Role, m.JoinedAt, m.Notify = parley.Role(role), fromMillis(joined), parley.NotifyLevel(notify)
	return &m, nil
}

// Members lists a room's members with their accounts, oldest first. An
// unknown room has no members.
func (s *Memberships) Members(ctx context.Context, roomID string) ([]parley.Member, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT u.id, u.username, u.display_name, u.kind, u.password_hash, u.created_at,
		        m.role, m.joined_at, m.read_seq
		   FROM memberships m JOIN users u ON u.id = m.user_id
		  WHERE m.room_id = ?
		  ORDER BY m.joined_at, u.id`, roomID)
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	members := []parley.Member{}
	for rows.Next() {
		var mb parley.Member
		var kind, role string
		var created, joined int64
		if err := rows.Scan(&mb.User.ID, &mb.User.Username, &mb.User.DisplayName, &kind,
			&mb.User.PasswordHash, &created, &role, &joined, &mb.ReadSeq); err != nil {
			return nil, storeError(err, "")
		}
		mb.User.Kind, mb.User.CreatedAt = parley.UserKind(kind), fromMillis(created)
		mb.Role, mb.JoinedAt = parley.Role(role), fromMillis(joined)
		members = append(members, mb)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return members, nil
}

// RoomsOf lists userID's rooms by name with unread counts.
func (s *Memberships) RoomsOf(ctx context.Context, userID string) ([]parley.UserRoom, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT r.id, r.name, r.topic, r.kind, r.private, r.owner_id, r.last_seq, r.last_rev, r.last_change,
		        COALESCE(r.direct_key, ''), r.created_at, m.role, m.read_seq, m.notify
		   FROM memberships m JOIN rooms r ON r.id = m.room_id
		  WHERE m.user_id = ?
		  ORDER BY r.name, r.id`, userID)
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	rooms := []parley.UserRoom{}
	for rows.Next() {
		var ur parley.UserRoom
		var kind, role, notify string
		var created int64
		r := &ur.Room
		if err := rows.Scan(&r.ID, &r.Name, &r.Topic, &kind, &r.Private, &r.OwnerID, &r.LastSeq, &r.LastRev, &r.LastChange,
			&r.DirectKey, &created, &role, &ur.ReadSeq, &notify); err != nil {
			return nil, storeError(err, "")
		}
		r.Kind, r.CreatedAt = parley.RoomKind(kind), fromMillis(created)
		ur.Role, ur.Notify = parley.Role(role), parley.NotifyLevel(notify)
		ur.Unread = max(0, r.LastSeq-ur.ReadSeq)
		rooms = append(rooms, ur)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return rooms, nil
}

// MarkRead moves the read cursor forward to seq, capped at the room's
// lastSeq, in one statement so it cannot race an Append into moving back.
func (s *Memberships) MarkRead(ctx context.Context, roomID, userID string, seq int64) (int64, error) {
	var readSeq int64
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`UPDATE memberships
			    SET read_seq = MAX(read_seq, MIN(?, (SELECT last_seq FROM rooms WHERE id = memberships.room_id)))
			  WHERE user_id = ? AND room_id = ?
			  RETURNING read_seq`, seq, userID, roomID).Scan(&readSeq)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q is not a member of room %q: %w: %w", userID, roomID, store.ErrNotFound, err)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return readSeq, nil
}
