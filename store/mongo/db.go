// Package mongo is Parley's production store on MongoDB (docs/data-model.md), through
// go.mongodb.org/mongo-driver/v2. It behaves exactly like store/sqlite under
// the contract suite in store/storetest.
//
// MongoDB must run as a replica set (a single-node one is fine): Append
// reserves a block of seqs with $inc on the room and inserts the messages in
// one multi-document transaction, so a batch that fails takes its $inc with
// it and no seq is ever skipped. Open refuses a standalone server rather
// than quietly giving up that guarantee.
//
// Pool sizes, timeouts, TLS, read preference and write concern come from
// the connection string (maxPoolSize, serverSelectionTimeoutMS, w, ...).
// Defaults that differ from the driver's: write concern majority (an acked
// message survives a primary failover) and a 5s server selection timeout
// (a send fails fast with UNAVAILABLE rather than hanging for 30s).
package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Config configures Open. Only URI is required.
type Config struct {
	// URI is the MongoDB connection string.
	URI string
	// Database is the database name (default "parley").
	Database string
	// OpTimeout bounds a call whose context has no deadline (default 10s),
	// so no store call can wait forever on an unreachable server.
	OpTimeout time.Duration
	// MemoryTTL is how long the assistant's memory of a quiet room is kept:
	// the TTL index on assistant_memory.updatedAt (default 30 days).
	MemoryTTL time.Duration
	// Now stamps the documents whose time the caller left zero (default
	// time.Now).
	Now func() time.Time
}

const (
	defaultDatabase        = "parley"
	defaultOpTimeout       = 10 * time.Second
	defaultMemoryTTL       = 30 * 24 * time.Hour
	defaultServerSelection = 5 * time.Second
)

// Collection names (docs/data-model.md).
const (
	colUsers       = "users"
	colRooms       = "rooms"
	colMemberships = "memberships"
	colMessages    = "messages"
	colServices    = "services"
	colMemory      = "assistant_memory"
	colKnowledge   = "knowledge"
	colRevocations = "revocations"
	colFiles       = "files" // metadata; the bytes are in GridFS (blobs.go)
)

// DB is an open MongoDB database. It implements store.Backend.
type DB struct {
	client    *mongo.Client
	db        *mongo.Database
	cfg       Config
	txOptions *options.TransactionOptionsBuilder

	closeOnce sync.Once
	closeErr  error
}

var _ store.Backend = (*DB)(nil)

// ErrNotReplicaSet is returned by Open for a standalone server: Parley's
// gap-free seqs need multi-document transactions. It is a configuration
// error, not UNAVAILABLE, so callers that retry an unreachable server give
// up on it at once.
var ErrNotReplicaSet = errors.New("mongo: the server is a standalone mongod; Parley needs a replica set " +
	"(a single node started with --replSet and rs.initiate() will do) for transactions")

// Open connects, checks the server can run transactions, creates the
// indexes (idempotently) and returns the store. An unreachable server is
// UNAVAILABLE, so a caller may retry. Close it through Store.Backend.
func Open(ctx context.Context, cfg Config) (*store.Store, error) {
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &store.Store{
		Users:         &Users{db: db},
		People:        &People{db: db},
		UserAdmin:     &UserAdmin{db: db},
		Rooms:         &Rooms{db: db},
		Memberships:   &Memberships{db: db},
		RoomAdmin:     &RoomAdmin{db: db},
		Notifications: &Notifications{db: db},
		Messages:      &Messages{db: db},
		Edits:         &Edits{db: db},
		Threads:       &Threads{db: db},
		Search:        &Search{db: db},
		Files:         &Files{db: db},
		Blobs:         newBlobs(db),
		Memories:      &Memories{db: db},
		Knowledge:     &Knowledge{db: db},
		Services:      &Services{db: db},
		Revocations:   &Revocations{db: db},
		Backend:       db,
	}, nil
}

func open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URI == "" {
		return nil, errors.New("mongo: Config.URI is required")
	}
	if cfg.Database == "" {
		cfg.Database = defaultDatabase
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = defaultOpTimeout
	}
	if cfg.MemoryTTL <= 0 {
		cfg.MemoryTTL = defaultMemoryTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client, err := mongo.Connect(clientOptions(cfg.URI))
	if err != nil {
		// A malformed URI: retrying will not help.
		return nil, fmt.Errorf("mongo: %w", err)
	}
	db := &DB{
		client: client,
		db:     client.Database(cfg.Database),
		cfg:    cfg,
		// Snapshot reads: a batch's duplicate and room checks see one
		// consistent state, and a concurrent batch that commits in between
		// makes ours fail with a write conflict (retried) rather than
		// interleave.
		txOptions: options.Transaction().SetReadConcern(readconcern.Snapshot()),
	}
	octx, cancel := db.bound(ctx)
	defer cancel()
	if err := db.Ping(octx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.checkReplicaSet(octx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := EnsureIndexes(octx, db.db, cfg.MemoryTTL); err != nil {
		_ = db.Close()
		return nil, storeError(err, "")
	}
	// Not bounded by OpTimeout: a large database takes longer, once.
	if err := db.backfillGrams(ctx); err != nil {
		_ = db.Close()
		return nil, storeError(err, "")
	}
	return db, nil
}

// clientOptions are Parley's defaults, then everything the URI sets, which
// wins.
func clientOptions(uri string) *options.ClientOptions {
	return options.Client().
		SetAppName("parley").
		SetWriteConcern(writeconcern.Majority()).
		SetServerSelectionTimeout(defaultServerSelection).
		ApplyURI(uri)
}

// checkReplicaSet returns ErrNotReplicaSet for a standalone server. A
// replica set member reports setName; mongos reports msg "isdbgrid".
func (db *DB) checkReplicaSet(ctx context.Context) error {
	var hello struct {
		SetName string `bson:"setName"`
		Msg     string `bson:"msg"`
	}
	err := db.client.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello)
	if err != nil {
		return storeError(err, "")
	}
	if hello.SetName == "" && hello.Msg != "isdbgrid" {
		return ErrNotReplicaSet
	}
	return nil
}

// Ping reports UNAVAILABLE when the primary does not answer: a node that
// cannot write is not ready to take messages.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	if err := db.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("database is unavailable: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// Close disconnects; later calls return the first call's result, and every
// call made after it fails with UNAVAILABLE.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), db.cfg.OpTimeout)
		defer cancel()
		db.closeErr = db.client.Disconnect(ctx)
	})
	return db.closeErr
}

// bound gives ctx the default deadline when it has none.
func (db *DB) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, db.cfg.OpTimeout)
}

func (db *DB) col(name string) *mongo.Collection { return db.db.Collection(name) }

// transact runs fn in one transaction. WithTransaction retries fn on
// TransientTransactionError (write conflicts with a concurrent transaction)
// and the commit on UnknownTransactionCommitResult, so fn must build its
// result from scratch on every call.
func (db *DB) transact(ctx context.Context, fn func(ctx context.Context) (any, error)) (any, error) {
	sess, err := db.client.StartSession()
	if err != nil {
		return nil, err
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	return sess.WithTransaction(ctx, fn, db.txOptions)
}

// stamp is the millisecond UTC form of t, or of now when t is zero.
func (db *DB) stamp(t time.Time) time.Time {
	if t.IsZero() {
		t = db.cfg.Now()
	}
	return parley.Millis(t)
}

// maxAttempts bounds the retries of an operation that lost a race on a
// unique index to a concurrent writer (see retryOnDuplicate).
const maxAttempts = 5

// retryOnDuplicate runs op again when it failed on a unique index that a
// concurrent writer filled after op's checks: the next attempt's checks see
// that writer's document and answer from it (the original message, the
// existing direct room). Any other outcome is returned as is.
func retryOnDuplicate[T any](op func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range maxAttempts {
		v, err = op()
		if !mongo.IsDuplicateKeyError(err) || isStoreError(err) {
			return v, err
		}
	}
	return v, fmt.Errorf("database is busy; try again: %w: %w", store.ErrUnavailable, err)
}

func isStoreError(err error) bool {
	var se *parley.Error
	return errors.As(err, &se)
}
