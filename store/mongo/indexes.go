package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collectionIndexes are the indexes of one collection.
type collectionIndexes struct {
	collection string
	models     []mongo.IndexModel
}

// ttlIndexName is the TTL index on assistant_memory, named so that a changed
// MemoryTTL can be applied to it with collMod.
const ttlIndexName = "updatedAt_ttl"

// orphanIndexName is the partial index of files to clean up.
const orphanIndexName = "createdAt_orphan"

// indexModels are the indexes of docs/data-model.md. Every index has a fixed name, so
// creating them again is a no-op and a conflict names the culprit.
//
// messages (senderId, clientMsgId) is partial on clientMsgId existing, not
// sparse as a first design had it: a sparse compound index still indexes every
// document that has senderId, so all messages without a clientMsgId would
// collide. The backend omits an empty clientMsgId, so "exists" means "set".
func indexModels(memoryTTL time.Duration) []collectionIndexes {
	asc := func(keys ...string) bson.D {
		d := make(bson.D, len(keys))
		for i, k := range keys {
			d[i] = bson.E{Key: k, Value: 1}
		}
		return d
	}
	return []collectionIndexes{
		{colUsers, []mongo.IndexModel{
			{Keys: asc("username"), Options: options.Index().SetName("username_unique").SetUnique(true)},
		}},
		{colRooms, []mongo.IndexModel{
			{Keys: asc("name"), Options: options.Index().SetName("name")},
			// Group rooms have no directKey: sparse skips them.
			{Keys: asc("directKey"), Options: options.Index().SetName("directKey_unique").SetUnique(true).SetSparse(true)},
		}},
		{colMemberships, []mongo.IndexModel{
			{Keys: asc("userId", "roomId"), Options: options.Index().SetName("userId_roomId_unique").SetUnique(true)},
			{Keys: asc("roomId"), Options: options.Index().SetName("roomId")},
		}},
		{colMessages, []mongo.IndexModel{
			{Keys: asc("roomId", "seq"), Options: options.Index().SetName("roomId_seq_unique").SetUnique(true)},
			{Keys: asc("senderId", "clientMsgId"), Options: options.Index().SetName("senderId_clientMsgId_unique").
				SetUnique(true).
				SetPartialFilterExpression(bson.D{{Key: "clientMsgId", Value: bson.D{{Key: "$exists", Value: true}}}})},
			// store.Edits.Changes walks only the changed messages.
			{Keys: asc("roomId", "rev"), Options: options.Index().SetName("roomId_rev_changed").
				SetPartialFilterExpression(bson.D{{Key: "changed", Value: true}})},
			{Keys: asc("roomId", "replyTo", "seq"), Options: options.Index().SetName("roomId_replyTo_seq").
				SetPartialFilterExpression(bson.D{{Key: "replyTo", Value: bson.D{{Key: "$exists", Value: true}}}})},
			// store.Search: the trigrams of the text (multikey), and the
			// newest messages of rooms for the scan of short terms and of
			// the messages with too many trigrams to store (search.go).
			{Keys: asc("roomId", "grams"), Options: options.Index().SetName("roomId_grams")},
			{Keys: bson.D{{Key: "roomId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}},
				Options: options.Index().SetName("roomId_createdAt_id")},
		}},
		{colServices, []mongo.IndexModel{
			{Keys: asc("appId"), Options: options.Index().SetName("appId_unique").SetUnique(true)},
		}},
		{colMemory, []mongo.IndexModel{
			{Keys: asc("roomId"), Options: options.Index().SetName("roomId_unique").SetUnique(true)},
			{Keys: asc("updatedAt"), Options: options.Index().SetName(ttlIndexName).
				SetExpireAfterSeconds(ttlSeconds(memoryTTL))},
		}},
		{colKnowledge, []mongo.IndexModel{
			{Keys: asc("roomId", "question"), Options: options.Index().SetName("roomId_question_unique").SetUnique(true)},
		}},
		// Orphans walks the cleanup candidates only; Messages.Delete finds
		// a message's files by messageId.
		{colFiles, []mongo.IndexModel{
			{Keys: asc("createdAt", "_id"), Options: options.Index().SetName(orphanIndexName).
				SetPartialFilterExpression(bson.D{{Key: "orphan", Value: true}})},
			{Keys: asc("messageId"), Options: options.Index().SetName("messageId").
				SetPartialFilterExpression(bson.D{{Key: "messageId", Value: bson.D{{Key: "$exists", Value: true}}}})},
		}},
		// A blob's key is its GridFS filename: unique, so that the files
		// document's insert commits a Put or fails it with a conflict. The
		// driver adds GridFS's own indexes on the first upload.
		{bucketName + ".files", []mongo.IndexModel{
			{Keys: asc("filename"), Options: options.Index().SetName("filename_unique").SetUnique(true)},
		}},
		// Nodes poll by at; the server deletes a record a minute after
		// its tokens have expired anyway, the margin Accounts'
		// PurgeRevocations leaves for clocks that disagree.
		{colRevocations, []mongo.IndexModel{
			{Keys: asc("at"), Options: options.Index().SetName("at")},
			{Keys: asc("expires"), Options: options.Index().SetName("expires_ttl").SetExpireAfterSeconds(60)},
		}},
	}
}

func ttlSeconds(d time.Duration) int32 {
	s := d / time.Second
	if s < 1 {
		s = 1
	}
	if s > 1<<31-1 {
		s = 1<<31 - 1
	}
	return int32(s)
}

// setTTL is the collMod command that changes the expiry of the existing TTL
// index, which createIndexes refuses to do (IndexOptionsConflict).
func setTTL(memoryTTL time.Duration) bson.D {
	return bson.D{
		{Key: "collMod", Value: colMemory},
		{Key: "index", Value: bson.D{
			{Key: "name", Value: ttlIndexName},
			{Key: "expireAfterSeconds", Value: ttlSeconds(memoryTTL)},
		}},
	}
}

// indexOptionsConflict is the server's answer to an index that exists with
// other options.
const indexOptionsConflict = 85

// EnsureIndexes creates every collection's indexes; existing ones are left
// as they are, except that a changed memory TTL is applied. Open calls it,
// so it is safe to run on every start and from several nodes at once.
func EnsureIndexes(ctx context.Context, db *mongo.Database, memoryTTL time.Duration) error {
	for _, c := range indexModels(memoryTTL) {
		_, err := db.Collection(c.collection).Indexes().CreateMany(ctx, c.models)
		var se mongo.ServerError
		if c.collection == colMemory && errors.As(err, &se) && se.HasErrorCode(indexOptionsConflict) {
			if err = db.RunCommand(ctx, setTTL(memoryTTL)).Err(); err == nil {
				_, err = db.Collection(c.collection).Indexes().CreateMany(ctx, c.models)
			}
		}
		if err != nil {
			return fmt.Errorf("mongo: create indexes of %s: %w", c.collection, err)
		}
	}
	return nil
}
