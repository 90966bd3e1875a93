package mongo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Rooms implements store.Rooms.
type Rooms struct{ db *DB }

var _ store.Rooms = (*Rooms)(nil)

// Create inserts a group room with ownerID as owner and first member, in
// one transaction. It fills in r's Kind, OwnerID and a zero CreatedAt.
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
	nr := parley.Room{ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: parley.RoomGroup, Private: r.Private,
		OwnerID: ownerID, CreatedAt: created}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	_, err := s.db.transact(ctx, func(ctx context.Context) (any, error) {
		if err := userExists(ctx, s.db, ownerID); err != nil {
			return nil, err
		}
		if err := insertRoom(ctx, s.db, &nr); err != nil {
			return nil, err
		}
		return nil, insertMembers(ctx, s.db, nr.ID, parley.RoleOwner, created, ownerID)
	})
	if err != nil {
		return storeError(err, "")
	}
	r.Kind, r.OwnerID, r.CreatedAt, r.LastSeq, r.DirectKey = parley.RoomGroup, ownerID, created, 0, ""
	return nil
}

// ByID returns NOT_FOUND when no room has that id.
func (s *Rooms) ByID(ctx context.Context, id string) (*parley.Room, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d roomDoc
	if err := s.db.col(colRooms).FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, storeError(err, "room")
	}
	r := d.room()
	return &r, nil
}

// Public lists the public group rooms by name.
func (s *Rooms) Public(ctx context.Context) ([]parley.Room, error) {
	filter, sort := publicRooms()
	return s.list(ctx, filter, sort)
}

// Groups lists every group room, private ones too, by name.
func (s *Rooms) Groups(ctx context.Context) ([]parley.Room, error) {
	_, sort := publicRooms()
	return s.list(ctx, bson.D{{Key: "kind", Value: string(parley.RoomGroup)}}, sort)
}

// list finds the rooms of filter, in sort's order.
func (s *Rooms) list(ctx context.Context, filter, sort bson.D) ([]parley.Room, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[roomDoc](ctx, s.db.col(colRooms), filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, err
	}
	rooms := make([]parley.Room, 0, len(docs))
	for i := range docs {
		rooms = append(rooms, docs[i].room())
	}
	return rooms, nil
}

// OpenDirect returns the direct room of a and b, creating it on first use.
// Lookup and insert share one transaction; two callers racing to create
// the room collide on the unique directKey (a write conflict, which the
// driver retries, or a duplicate key, which retryOnDuplicate retries), and
// the loser's next attempt finds the winner's room.
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
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	type outcome struct {
		room    *parley.Room
		created bool
	}
	out, err := retryOnDuplicate(func() (any, error) {
		return s.db.transact(ctx, func(ctx context.Context) (any, error) {
			var d roomDoc
			err := s.db.col(colRooms).FindOne(ctx, byDirectKey(key)).Decode(&d)
			if err == nil {
				room := d.room()
				return outcome{room: &room}, nil
			}
			if !isNoDocuments(err) {
				return nil, err
			}
			for _, id := range []string{a, b} {
				if err := userExists(ctx, s.db, id); err != nil {
					return nil, err
				}
			}
			nr := parley.Room{ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: parley.RoomDirect,
				Private:   true, // only its two members may ever see it
				DirectKey: key, CreatedAt: s.db.stamp(r.CreatedAt)}
			if err := insertRoomRaw(ctx, s.db, &nr); err != nil {
				if mongo.IsDuplicateKeyError(err) && !strings.Contains(err.Error(), "directKey") {
					// The offered id is taken: no retry will change that.
					return nil, fmt.Errorf("room %q: %w: %w", nr.ID, store.ErrConflict, err)
				}
				return nil, err
			}
			if err := insertMembers(ctx, s.db, nr.ID, parley.RoleMember, nr.CreatedAt, a, b); err != nil {
				return nil, err
			}
			return outcome{room: &nr, created: true}, nil
		})
	})
	if err != nil {
		return nil, false, storeError(err, "")
	}
	o := out.(outcome)
	return o.room, o.created, nil
}

// insertRoom stores a new room; CONFLICT if its id is taken.
func insertRoom(ctx context.Context, db *DB, r *parley.Room) error {
	err := insertRoomRaw(ctx, db, r)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("room %q: %w: %w", r.ID, store.ErrConflict, err)
	}
	return err
}

// insertRoomRaw leaves a duplicate key as the driver's error, for callers
// that retry on it.
func insertRoomRaw(ctx context.Context, db *DB, r *parley.Room) error {
	_, err := db.col(colRooms).InsertOne(ctx, toRoomDoc(r))
	return err
}

// insertMembers stores new memberships with nothing read.
func insertMembers(ctx context.Context, db *DB, roomID string, role parley.Role, joined time.Time, userIDs ...string) error {
	docs := make([]any, len(userIDs))
	for i, u := range userIDs {
		docs[i] = membershipDoc{RoomID: roomID, UserID: u, Role: string(role), JoinedAt: joined}
	}
	_, err := db.col(colMemberships).InsertMany(ctx, docs)
	return err
}
