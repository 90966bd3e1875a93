package mongo

import (
	"context"
	"fmt"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// People implements store.People.
type People struct{ db *DB }

var _ store.People = (*People)(nil)

// Search matches with an anchored regular expression of the quoted prefix:
// the username half can use the username index as usernames are stored
// lower case (so the prefix is lowered rather than matched with the "i"
// option, which no index serves); display names match case-insensitively.
func (s *People) Search(ctx context.Context, prefix string, limit int) ([]parley.User, error) {
	quoted := "^" + regexp.QuoteMeta(prefix)
	filter := bson.D{
		{Key: "kind", Value: bson.D{{Key: "$in", Value: bson.A{string(parley.KindHuman), string(parley.KindBot)}}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "username", Value: bson.Regex{Pattern: "^" + regexp.QuoteMeta(parley.NormalizeUsername(prefix))}}},
			bson.D{{Key: "displayName", Value: bson.Regex{Pattern: quoted, Options: "i"}}},
		}},
	}
	opts := options.Find().SetSort(bson.D{{Key: "username", Value: 1}}).SetLimit(int64(store.ClampSearch(limit)))
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[userDoc](ctx, s.db.col(colUsers), filter, opts)
	if err != nil {
		return nil, err
	}
	users := make([]parley.User, 0, len(docs))
	for i := range docs {
		users = append(users, docs[i].user())
	}
	return users, nil
}

// SetDisplayName returns NOT_FOUND when no user has that id.
func (s *People) SetDisplayName(ctx context.Context, id, displayName string) (*parley.User, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d userDoc
	err := s.db.col(colUsers).FindOneAndUpdate(ctx, byID(id),
		bson.D{{Key: "$set", Value: bson.D{{Key: "displayName", Value: displayName}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return nil, storeError(err, fmt.Sprintf("user %q", id))
	}
	u := d.user()
	return &u, nil
}

// SetPassword returns NOT_FOUND when no user has that id and INVALID for
// an empty hash.
func (s *People) SetPassword(ctx context.Context, id, passwordHash string) error {
	if passwordHash == "" {
		return fmt.Errorf("password hash is required: %w", store.ErrInvalid)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colUsers).UpdateOne(ctx, byID(id),
		bson.D{{Key: "$set", Value: bson.D{{Key: "passwordHash", Value: passwordHash}}}})
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	return nil
}
