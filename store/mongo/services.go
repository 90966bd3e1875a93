package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley/store"
)

// Services implements store.Services.
type Services struct{ db *DB }

var _ store.Services = (*Services)(nil)

// Create stores an integration's credentials. The user check and the
// insert need no transaction: users are never deleted.
func (s *Services) Create(ctx context.Context, svc *store.Service) error {
	if svc == nil || svc.AppID == "" || svc.SecretHash == "" || svc.UserID == "" {
		return fmt.Errorf("app id, secret and user are required: %w", store.ErrInvalid)
	}
	created := s.db.stamp(svc.CreatedAt)
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	if err := userExists(ctx, s.db, svc.UserID); err != nil {
		return storeError(err, "")
	}
	_, err := s.db.col(colServices).InsertOne(ctx, serviceDoc{AppID: svc.AppID, SecretHash: svc.SecretHash,
		UserID: svc.UserID, CreatedAt: created, CLI: !svc.Configured, Revoked: svc.Revoked})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("service %q: %w: %w", svc.AppID, store.ErrConflict, err)
	}
	if err != nil {
		return storeError(err, "")
	}
	svc.CreatedAt = created
	return nil
}

// ByAppID returns NOT_FOUND for an unknown app id.
func (s *Services) ByAppID(ctx context.Context, appID string) (*store.Service, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d serviceDoc
	if err := s.db.col(colServices).FindOne(ctx, byAppID(appID)).Decode(&d); err != nil {
		return nil, storeError(err, "service")
	}
	svc := d.service()
	return &svc, nil
}

// List returns every service by app id.
func (s *Services) List(ctx context.Context) ([]store.Service, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	cur, err := s.db.col(colServices).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "appId", Value: 1}}))
	if err != nil {
		return nil, storeError(err, "")
	}
	var docs []serviceDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeError(err, "")
	}
	out := make([]store.Service, len(docs))
	for i := range docs {
		out[i] = docs[i].service()
	}
	return out, nil
}

// SetRevoked revokes or reinstates the service.
func (s *Services) SetRevoked(ctx context.Context, appID string, revoked bool) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colServices).UpdateOne(ctx, byAppID(appID),
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: revoked}}}})
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("service %q: %w", appID, store.ErrNotFound)
	}
	return nil
}

// SetSecret replaces the secret hash.
func (s *Services) SetSecret(ctx context.Context, appID, secretHash string) error {
	if secretHash == "" {
		return fmt.Errorf("secret is required: %w", store.ErrInvalid)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colServices).UpdateOne(ctx, byAppID(appID), setSecret(secretHash))
	if err != nil {
		return storeError(err, "")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("service %q: %w", appID, store.ErrNotFound)
	}
	return nil
}
