package mongo

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// RoomAdmin implements store.RoomAdmin.
type RoomAdmin struct{ db *DB }

var _ store.RoomAdmin = (*RoomAdmin)(nil)

func groupRoom(id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "kind", Value: string(parley.RoomGroup)}}
}

// Update sets only the fields given, in one document update, so two admins
// changing one field each do not undo each other's.
func (s *RoomAdmin) Update(ctx context.Context, id string, name, topic *string) (*parley.Room, error) {
	if name != nil && strings.TrimSpace(*name) == "" {
		return nil, fmt.Errorf("room name is required: %w", store.ErrInvalid)
	}
	set := bson.D{}
	if name != nil {
		set = append(set, bson.E{Key: "name", Value: *name})
	}
	if topic != nil {
		set = append(set, bson.E{Key: "topic", Value: *topic})
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d roomDoc
	var err error
	if len(set) == 0 { // $set refuses an empty document
		err = s.db.col(colRooms).FindOne(ctx, groupRoom(id)).Decode(&d)
	} else {
		err = s.db.col(colRooms).FindOneAndUpdate(ctx, groupRoom(id), bson.D{{Key: "$set", Value: set}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	}
	if err != nil {
		return nil, storeError(err, "group room")
	}
	r := d.room()
	return &r, nil
}

// SetRole changes a member's role; the filter leaves the owner's alone in
// the same atomic update.
func (s *RoomAdmin) SetRole(ctx context.Context, roomID, userID string, role parley.Role) error {
	if role != parley.RoleAdmin && role != parley.RoleMember {
		return fmt.Errorf("role %q cannot be given: %w", role, store.ErrInvalid)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	filter := append(membership(roomID, userID), bson.E{Key: "role", Value: bson.D{{Key: "$ne", Value: string(parley.RoleOwner)}}})
	res, err := s.db.col(colMemberships).UpdateOne(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "role", Value: string(role)}}}})
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 1 {
		return nil
	}
	err = s.db.col(colMemberships).FindOne(ctx, membership(roomID, userID), optsIDOnly()).Err()
	if isNoDocuments(err) {
		return notMember(roomID, userID, err)
	}
	if err != nil {
		return storeError(err, "")
	}
	return fmt.Errorf("the owner's role changes only when they leave: %w", store.ErrInvalid)
}

// Leave removes the membership and, for the owner, crowns the heir in the
// same transaction: a concurrent SetRole of the heir conflicts with it and
// is retried by the driver, after the heir became owner.
func (s *RoomAdmin) Leave(ctx context.Context, roomID, userID string) (*parley.Membership, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	out, err := s.db.transact(ctx, func(ctx context.Context) (any, error) {
		var gone membershipDoc
		err := s.db.col(colMemberships).FindOneAndDelete(ctx, membership(roomID, userID)).Decode(&gone)
		if isNoDocuments(err) {
			return nil, notMember(roomID, userID, err)
		}
		if err != nil || parley.Role(gone.Role) != parley.RoleOwner {
			return (*parley.Membership)(nil), err
		}
		heir, err := s.heir(ctx, roomID)
		if err != nil {
			return nil, err
		}
		owner := ""
		if heir != nil {
			owner = heir.UserID
			if _, err := s.db.col(colMemberships).UpdateOne(ctx, membership(roomID, owner),
				bson.D{{Key: "$set", Value: bson.D{{Key: "role", Value: string(parley.RoleOwner)}}}}); err != nil {
				return nil, err
			}
			heir.Role = parley.RoleOwner
		}
		_, err = s.db.col(colRooms).UpdateOne(ctx, byID(roomID),
			bson.D{{Key: "$set", Value: bson.D{{Key: "ownerId", Value: owner}}}})
		return heir, err
	})
	if err != nil {
		return nil, storeError(err, "")
	}
	return out.(*parley.Membership), nil
}

// heir is the admin who joined first, else the member who did; nil for an
// empty room.
func (s *RoomAdmin) heir(ctx context.Context, roomID string) (*parley.Membership, error) {
	filter, sort := membersOf(roomID)
	opts := options.FindOne().SetSort(sort)
	for _, f := range []bson.D{append(filter, bson.E{Key: "role", Value: string(parley.RoleAdmin)}), filter} {
		var d membershipDoc
		err := s.db.col(colMemberships).FindOne(ctx, f, opts).Decode(&d)
		if isNoDocuments(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		m := d.membership()
		return &m, nil
	}
	return nil, nil
}
