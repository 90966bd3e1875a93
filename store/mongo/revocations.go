package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Revocations implements store.Revocations. A TTL index on expires lets
// the server delete records whose tokens have expired anyway (a minute
// late, within its minute-long sweep); Purge does the same on demand.
type Revocations struct{ db *DB }

var _ store.Revocations = (*Revocations)(nil)

// revocationDoc is keyed "t:<token id>" for one token and "u:<user id>"
// for all of a user's tokens up to at.
type revocationDoc struct {
	ID            string    `bson:"_id"`
	UserID        string    `bson:"userId"`
	TokenID       string    `bson:"tokenId"`
	ExceptTokenID string    `bson:"exceptTokenId,omitempty"`
	At            time.Time `bson:"at"`
	Expires       time.Time `bson:"expires"`
}

func revocationKey(userID, tokenID string) string {
	if tokenID == "" {
		return "u:" + userID
	}
	return "t:" + tokenID
}

// revokeUpdate creates the record or moves its times forward, as a
// pipeline so that exceptTokenId can follow the later of the two
// revocations: every expression of one $set stage reads the document as
// it was. $max ignores a missing field, so a new record takes r's times.
func revokeUpdate(r store.Revocation) bson.A {
	at, expires := parley.Millis(r.At), parley.Millis(r.Expires)
	return bson.A{bson.D{{Key: "$set", Value: bson.D{
		{Key: "userId", Value: bson.D{{Key: "$literal", Value: r.UserID}}},
		{Key: "tokenId", Value: bson.D{{Key: "$literal", Value: r.TokenID}}},
		{Key: "exceptTokenId", Value: bson.D{{Key: "$cond", Value: bson.A{
			bson.D{{Key: "$gte", Value: bson.A{at, bson.D{{Key: "$ifNull", Value: bson.A{"$at", at}}}}}},
			bson.D{{Key: "$literal", Value: r.ExceptTokenID}},
			bson.D{{Key: "$ifNull", Value: bson.A{"$exceptTokenId", ""}}},
		}}}},
		{Key: "at", Value: bson.D{{Key: "$max", Value: bson.A{"$at", at}}}},
		{Key: "expires", Value: bson.D{{Key: "$max", Value: bson.A{"$expires", expires}}}},
	}}}}
}

// revokedFilter matches the token's own record or its user's covering it
// and not sparing it ($ne also matches records without exceptTokenId).
func revokedFilter(userID, tokenID string, issuedAt time.Time) bson.D {
	userWide := bson.D{{Key: "_id", Value: revocationKey(userID, "")}, {Key: "at", Value: bson.D{{Key: "$gte", Value: parley.Millis(issuedAt)}}}}
	if tokenID != "" {
		userWide = append(userWide, bson.E{Key: "exceptTokenId", Value: bson.D{{Key: "$ne", Value: tokenID}}})
	}
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "_id", Value: revocationKey(userID, tokenID)}, {Key: "userId", Value: userID}},
		userWide,
	}}}
}

// Revoke records r, keeping the later times of an existing record.
func (s *Revocations) Revoke(ctx context.Context, r store.Revocation) error {
	if err := store.CheckRevocation(r); err != nil {
		return err
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	filter := bson.D{{Key: "_id", Value: revocationKey(r.UserID, r.TokenID)}}
	upsert := options.UpdateOne().SetUpsert(true)
	_, err := s.db.col(colRevocations).UpdateOne(ctx, filter, revokeUpdate(r), upsert)
	if mongo.IsDuplicateKeyError(err) {
		// Two upserts of one _id raced and the other inserted: update it.
		_, err = s.db.col(colRevocations).UpdateOne(ctx, filter, revokeUpdate(r), upsert)
	}
	return storeError(err, "")
}

// Revoked looks up the token's own record and its user's.
func (s *Revocations) Revoked(ctx context.Context, userID, tokenID string, issuedAt time.Time) (bool, error) {
	if userID == "" {
		return false, fmt.Errorf("user is required: %w", store.ErrInvalid)
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	n, err := s.db.col(colRevocations).CountDocuments(ctx, revokedFilter(userID, tokenID, issuedAt), options.Count().SetLimit(1))
	if err != nil {
		return false, storeError(err, "")
	}
	return n > 0, nil
}

// Since lists the revocations made at or after t.
func (s *Revocations) Since(ctx context.Context, t time.Time) ([]store.Revocation, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	cur, err := s.db.col(colRevocations).Find(ctx,
		bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: parley.Millis(t)}}}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storeError(err, "")
	}
	var docs []revocationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeError(err, "")
	}
	out := make([]store.Revocation, len(docs))
	for i, d := range docs {
		out[i] = store.Revocation{UserID: d.UserID, TokenID: d.TokenID, ExceptTokenID: d.ExceptTokenID, At: d.At.UTC(), Expires: d.Expires.UTC()}
	}
	return out, nil
}

// Purge deletes the revocations that expired before before.
func (s *Revocations) Purge(ctx context.Context, before time.Time) (int64, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colRevocations).DeleteMany(ctx,
		bson.D{{Key: "expires", Value: bson.D{{Key: "$lt", Value: parley.Millis(before)}}}})
	if err != nil {
		return 0, storeError(err, "")
	}
	return res.DeletedCount, nil
}
