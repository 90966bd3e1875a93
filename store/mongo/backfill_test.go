package mongo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/mongo"
)

// Messages stored before search existed have no trigrams: opening the
// database gives them theirs, so they are found like new ones.
func TestOpenBackfillsSearch(t *testing.T) {
	uri := testURI(t)
	name := "parley_test_" + parley.NewID()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, err := driver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Disconnect(context.Background()) }()
	t.Cleanup(func() { dropDatabase(t, uri, name) })
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err = c.Database(name).Collection("messages").InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: "m1"}, {Key: "roomId", Value: "r1"}, {Key: "seq", Value: 1}, {Key: "rev", Value: 1},
			{Key: "senderId", Value: "u1"}, {Key: "text", Value: "我们的数据库挂了"}, {Key: "mentions", Value: bson.A{}}, {Key: "createdAt", Value: at}},
		bson.D{{Key: "_id", Value: "m2"}, {Key: "roomId", Value: "r1"}, {Key: "seq", Value: 2}, {Key: "rev", Value: 2},
			{Key: "senderId", Value: "u1"}, {Key: "text", Value: ""}, {Key: "deleted", Value: true}, {Key: "mentions", Value: bson.A{}}, {Key: "createdAt", Value: at}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := mongo.Open(ctx, mongo.Config{URI: uri, Database: name})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Backend.Close()
	msgs, more, err := s.Search.Search(ctx, store.SearchQuery{Text: "数据库", RoomIDs: []string{"r1"}, Limit: 10})
	if err != nil || more || len(msgs) != 1 || msgs[0].ID != "m1" {
		t.Fatalf("search after backfill = %+v, %v, %v; want m1", msgs, more, err)
	}
	var doc struct {
		Grams []string `bson:"grams"`
	}
	if err := c.Database(name).Collection("messages").FindOne(ctx, bson.D{{Key: "_id", Value: "m1"}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(doc.Grams, "数据库") {
		t.Fatalf("grams of m1 after backfill = %q", doc.Grams)
	}
}
