package mongo

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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

// heir is the person among the admins who joined first, else among the
// members; nil when no person is left. Memberships are read in join order
// a page at a time, and their accounts' kinds with them.
func (s *RoomAdmin) heir(ctx context.Context, roomID string) (*parley.Membership, error) {
	filter, sort := membersOf(roomID)
	for _, f := range []bson.D{append(filter, bson.E{Key: "role", Value: string(parley.RoleAdmin)}), filter} {
		cur, err := s.db.col(colMemberships).Find(ctx, f, options.Find().SetSort(sort).SetBatchSize(heirPage))
		if err != nil {
			return nil, err
		}
		m, err := s.firstPerson(ctx, cur)
		if err != nil || m != nil {
			return m, err
		}
	}
	return nil, nil
}

const heirPage = 100

func (s *RoomAdmin) firstPerson(ctx context.Context, cur *mongo.Cursor) (*parley.Membership, error) {
	defer cur.Close(ctx)
	page := make([]membershipDoc, 0, heirPage)
	for {
		more := cur.Next(ctx)
		if more {
			var d membershipDoc
			if err := cur.Decode(&d); err != nil {
				return nil, err
			}
			page = append(page, d)
		}
		if len(page) == heirPage || !more && len(page) > 0 {
			ids := make([]string, len(page))
			for i, d := range page {
				ids[i] = d.UserID
			}
			people, err := findAll[userDoc](ctx, s.db.col(colUsers),
				append(idIn(ids), bson.E{Key: "kind", Value: string(parley.KindHuman)}), nil)
			if err != nil {
				return nil, err
			}
			person := make(map[string]bool, len(people))
			for _, u := range people {
				person[u.ID] = true
			}
			for _, d := range page {
				if person[d.UserID] {
					m := d.membership()
					return &m, nil
				}
			}
			page = page[:0]
		}
		if !more {
			return nil, cur.Err()
		}
	}
}
