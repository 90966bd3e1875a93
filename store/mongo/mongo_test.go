package mongo_test

import (
	"context"
	"os"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/mongo"
	"github.com/parley-chat/parley/store/storetest"
)

// testURI is the MongoDB the contract runs against. It must be a replica
// set (see the package doc), e.g. a throw-away single node:
//
//	docker run -d --name parley-mongo -p 27017:27017 mongo:7 --replSet rs0
//	docker exec parley-mongo mongosh --quiet --eval 'rs.initiate({_id:"rs0",members:[{_id:0,host:"localhost:27017"}]})'
//	PARLEY_TEST_MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' go test ./store/mongo/
const uriVar = "PARLEY_TEST_MONGODB_URI"

func testURI(t *testing.T) string {
	t.Helper()
	uri := os.Getenv(uriVar)
	if uri == "" {
		t.Skipf("no MongoDB to test against: set %s to a replica set's connection string, e.g. "+
			"%s='mongodb://localhost:27017/?replicaSet=rs0' go test ./store/mongo/", uriVar, uriVar)
	}
	return uri
}

// TestContract runs the shared contract, each test in a database of its
// own that is dropped afterwards.
func TestContract(t *testing.T) {
	uri := testURI(t)
	storetest.Run(t, func(t *testing.T) *store.Store {
		return openTemp(t, uri)
	})
}

// TestBlobs runs the blob contract on GridFS.
func TestBlobs(t *testing.T) {
	uri := testURI(t)
	storetest.RunBlobs(t, func(t *testing.T) store.Blobs {
		return openTemp(t, uri).Blobs
	})
}

func openTemp(t *testing.T, uri string) *store.Store {
	t.Helper()
	name := "parley_test_" + parley.NewID()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := mongo.Open(ctx, mongo.Config{URI: uri, Database: name})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = s.Backend.Close()
		dropDatabase(t, uri, name)
	})
	return s
}

// dropDatabase uses a client of its own: the store's may be closed by the
// test.
func dropDatabase(t *testing.T, uri, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := driver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Errorf("drop %s: %v", name, err)
		return
	}
	defer func() { _ = c.Disconnect(ctx) }()
	if err := c.Database(name).Drop(ctx); err != nil {
		t.Errorf("drop %s: %v", name, err)
	}
}

// TestReopenKeepsIndexes opens the same database twice: creating the
// indexes again is a no-op, and a changed memory TTL is applied.
func TestReopenKeepsIndexes(t *testing.T) {
	uri := testURI(t)
	name := "parley_test_" + parley.NewID()
	t.Cleanup(func() { dropDatabase(t, uri, name) })
	for _, ttl := range []time.Duration{time.Hour, time.Hour, 2 * time.Hour} {
		s, err := mongo.Open(t.Context(), mongo.Config{URI: uri, Database: name, MemoryTTL: ttl})
		if err != nil {
			t.Fatalf("open with TTL %v: %v", ttl, err)
		}
		_ = s.Backend.Close()
	}
}

// TestUnreachable needs no server: nothing listens on the address, so Open
// fails quickly with UNAVAILABLE (which a caller may retry), not INTERNAL.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := mongo.Open(ctx, mongo.Config{
		URI:       "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
		OpTimeout: 2 * time.Second,
	})
	if got := parley.CodeOf(err); got != parley.CodeUnavailable {
		t.Fatalf("Open of an unreachable server: %v (code %q), want UNAVAILABLE", err, got)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Open took %v to give up; the URI's 300ms server selection timeout should bound it", took)
	}
}

func TestOpenNeedsURI(t *testing.T) {
	if _, err := mongo.Open(t.Context(), mongo.Config{}); err == nil {
		t.Fatal("Open without a URI succeeded")
	}
	if _, err := mongo.Open(t.Context(), mongo.Config{URI: "postgres://nope"}); err == nil || parley.CodeOf(err) == parley.CodeUnavailable {
		t.Fatalf("Open of a malformed URI = %v, want a non-retryable error", err)
	}
}
