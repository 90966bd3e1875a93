package mongo

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Users implements store.Users.
type Users struct{ db *DB }

var _ store.Users = (*Users)(nil)

// Create inserts u, normalising its username and filling in a zero
// CreatedAt and an empty Kind (human).
func (s *Users) Create(ctx context.Context, u *parley.User) error {
	if u == nil || u.ID == "" {
		return fmt.Errorf("user id is required: %w", store.ErrInvalid)
	}
	name := parley.NormalizeUsername(u.Username)
	if name == "" {
		return fmt.Errorf("username is required: %w", store.ErrInvalid)
	}
	kind := u.Kind
	if kind == "" {
		kind = parley.KindHuman
	}
	created := s.db.stamp(u.CreatedAt)
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	_, err := s.db.col(colUsers).InsertOne(ctx, userDoc{ID: u.ID, Username: name, DisplayName: u.DisplayName,
		Kind: string(kind), PasswordHash: u.PasswordHash, CreatedAt: created, Admin: u.Admin, Disabled: u.Disabled})
	if mongo.IsDuplicateKeyError(err) {
		// The server names the index that refused the key.
		if strings.Contains(err.Error(), "username") {
			return fmt.Errorf("username %q: %w: %w", name, store.ErrConflict, err)
		}
		return fmt.Errorf("user %q: %w: %w", u.ID, store.ErrConflict, err)
	}
	if err != nil {
		return storeError(err, "")
	}
	u.Username, u.Kind, u.CreatedAt = name, kind, created
	return nil
}

// ByID returns NOT_FOUND when no user has that id.
func (s *Users) ByID(ctx context.Context, id string) (*parley.User, error) {
	return s.findOne(ctx, byID(id))
}

// ByUsername matches case-insensitively: usernames are stored lower case.
func (s *Users) ByUsername(ctx context.Context, username string) (*parley.User, error) {
	return s.findOne(ctx, byUsername(parley.NormalizeUsername(username)))
}

func (s *Users) findOne(ctx context.Context, filter any) (*parley.User, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d userDoc
	if err := s.db.col(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, storeError(err, "user")
	}
	u := d.user()
	return &u, nil
}

// ByIDs returns the users that exist among ids; unknown ids are skipped.
func (s *Users) ByIDs(ctx context.Context, ids []string) ([]parley.User, error) {
	users := []parley.User{}
	if len(ids) == 0 {
		return users, nil
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[userDoc](ctx, s.db.col(colUsers), idIn(uniq(ids)), nil)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		users = append(users, docs[i].user())
	}
	return users, nil
}

// ByUsernames returns the users that have any of usernames; unknown names
// are skipped.
func (s *Users) ByUsernames(ctx context.Context, usernames []string) ([]parley.User, error) {
	users := []parley.User{}
	if len(usernames) == 0 {
		return users, nil
	}
	names := make([]string, len(usernames))
	for i, n := range usernames {
		names[i] = parley.NormalizeUsername(n)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[userDoc](ctx, s.db.col(colUsers), usernameIn(uniq(names)), nil)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		users = append(users, docs[i].user())
	}
	return users, nil
}

// userExists returns NOT_FOUND naming the user when id has no account.
func userExists(ctx context.Context, db *DB, id string) error {
	return exists(ctx, db.col(colUsers), id, "user")
}

// exists returns NOT_FOUND naming what when no document has that _id.
func exists(ctx context.Context, c *mongo.Collection, id, what string) error {
	err := c.FindOne(ctx, byID(id), optsIDOnly()).Err()
	if err != nil {
		if isNoDocuments(err) {
			return fmt.Errorf("%s %q: %w: %w", what, id, store.ErrNotFound, err)
		}
		return err
	}
	return nil
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
