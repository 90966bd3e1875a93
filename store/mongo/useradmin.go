package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// UserAdmin implements store.UserAdmin.
type UserAdmin struct{ db *DB }

var _ store.UserAdmin = (*UserAdmin)(nil)

// List returns every account by username (stored lower case, so the
// unique index orders them).
func (s *UserAdmin) List(ctx context.Context) ([]parley.User, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[userDoc](ctx, s.db.col(colUsers), bson.D{},
		options.Find().SetSort(bson.D{{Key: "username", Value: 1}}))
	if err != nil {
		return nil, err
	}
	users := make([]parley.User, 0, len(docs))
	for i := range docs {
		users = append(users, docs[i].user())
	}
	return users, nil
}

// SetAdmin returns NOT_FOUND when no user has that id.
func (s *UserAdmin) SetAdmin(ctx context.Context, id string, admin bool) error {
	return s.set(ctx, "admin", id, admin)
}

// SetDisabled returns NOT_FOUND when no user has that id.
func (s *UserAdmin) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return s.set(ctx, "disabled", id, disabled)
}

// set stores a true flag and unsets a false one, as userDoc leaves it out.
func (s *UserAdmin) set(ctx context.Context, field, id string, v bool) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}}
	if v {
		update = bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: true}}}}
	}
	res, err := s.db.col(colUsers).UpdateOne(ctx, byID(id), update)
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	return nil
}
