package store

import (
	"context"

	"github.com/parley-chat/parley"
)

// RoomAdmin changes what a group room's owner and admins manage: its name
// and topic, and who among its members administers it. It is apart from
// Rooms and Memberships so that each interface stays small.
type RoomAdmin interface {
	// Update sets the name and topic of group room id (a nil one is kept)
	// and returns the room as stored. ErrNotFound when no group room has
	// that id (direct rooms have no settings to change), ErrInvalid for an
	// empty name.
	Update(ctx context.Context, id string, name, topic *string) (*parley.Room, error)
	// SetRole makes userID an admin or a plain member of roomID.
	// ErrNotFound when userID is not a member; ErrInvalid for any other
	// role, or when userID owns the room (ownership moves only by Leave).
	SetRole(ctx context.Context, roomID, userID string, role parley.Role) error
	// Leave ends userID's membership of roomID. When userID owned the room,
	// ownership passes in the same transaction to the person (an account
	// of kind human: never the assistant or a service) among the admins
	// who joined first, else among the members (ties by user id), and next
	// names that heir with their new role; with no person left the room
	// is left without owner (next nil). ErrNotFound when userID was not a
	// member.
	Leave(ctx context.Context, roomID, userID string) (next *parley.Membership, err error)
}
