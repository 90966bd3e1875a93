package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// RoomAdmin implements store.RoomAdmin.
type RoomAdmin struct{ db *DB }

var _ store.RoomAdmin = (*RoomAdmin)(nil)

// Update sets a group room's name and topic in one statement, so two
// admins changing one field each do not undo each other's.
func (s *RoomAdmin) Update(ctx context.Context, id string, name, topic *string) (*parley.Room, error) {
	if name != nil && strings.TrimSpace(*name) == "" {
		return nil, fmt.Errorf("room name is required: %w", store.ErrInvalid)
	}
	var room *parley.Room
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		r, err := scanRoom(tx.QueryRowContext(ctx,
			`UPDATE rooms SET name = COALESCE(?, name), topic = COALESCE(?, topic)
			  WHERE id = ? AND kind = ?
			  RETURNING `+roomCols, name, topic, id, string(parley.RoomGroup)))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("group room %q: %w: %w", id, store.ErrNotFound, err)
		}
		room = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return room, nil
}

// SetRole changes a member's role, refusing to touch the owner's.
func (s *RoomAdmin) SetRole(ctx context.Context, roomID, userID string, role parley.Role) error {
	if role != parley.RoleAdmin && role != parley.RoleMember {
		return fmt.Errorf("role %q cannot be given: %w", role, store.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx,
			`SELECT role FROM memberships WHERE user_id = ? AND room_id = ?`, userID, roomID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q is not a member of room %q: %w: %w", userID, roomID, store.ErrNotFound, err)
		}
		if err != nil {
			return err
		}
		if parley.Role(current) == parley.RoleOwner {
			return fmt.Errorf("the owner's role changes only when they leave: %w", store.ErrInvalid)
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE memberships SET role = ? WHERE user_id = ? AND room_id = ?`, string(role), userID, roomID)
		return err
	})
}

// Leave removes the membership and, for the owner, crowns the heir in the
// same transaction, so the room is never seen with two owners or none
// while members remain.
func (s *RoomAdmin) Leave(ctx context.Context, roomID, userID string) (*parley.Membership, error) {
	var next *parley.Membership
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		next = nil
		var role string
		err := tx.QueryRowContext(ctx,
			`DELETE FROM memberships WHERE user_id = ? AND room_id = ? RETURNING role`, userID, roomID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q is not a member of room %q: %w: %w", userID, roomID, store.ErrNotFound, err)
		}
		if err != nil || parley.Role(role) != parley.RoleOwner {
			return err
		}
		m := parley.Membership{RoomID: roomID, Role: parley.RoleOwner}
		var joined int64
		err = tx.QueryRowContext(ctx,
			`SELECT m.user_id, m.joined_at, m.read_seq FROM memberships m JOIN users u ON u.id = m.user_id
			  WHERE m.room_id = ? AND u.kind = ?
			  ORDER BY m.role <> ?, m.joined_at, m.user_id LIMIT 1`,
			roomID, string(parley.KindHuman), string(parley.RoleAdmin)).Scan(&m.UserID, &joined, &m.ReadSeq)
		heir := ""
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			heir = m.UserID
			m.JoinedAt = fromMillis(joined)
			next = &m
			if _, err := tx.ExecContext(ctx,
				`UPDATE memberships SET role = ? WHERE user_id = ? AND room_id = ?`,
				string(parley.RoleOwner), heir, roomID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE rooms SET owner_id = ? WHERE id = ?`, heir, roomID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}
