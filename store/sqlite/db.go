// Package sqlite is Parley's embedded store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver.
//
// Two pools share the file. Writes go through a pool of one connection whose
// transactions all start with BEGIN IMMEDIATE, so a writer takes the database
// write lock before it reads anything it will base a write on (a room's
// lastSeq, an existing clientMsgId). That keeps seqs gap-free and
// de-duplication exact even when several Parley processes share one file:
// the lock, not the process, serialises them. Reads go through a separate
// pool of several read-only connections, which WAL lets run alongside the
// writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/fsblobs"
)

// Config configures Open. Only Path is required.
type Config struct {
	// Path is the database file, created if missing.
	Path string
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process before failing with UNAVAILABLE (default 5s).
	BusyTimeout time.Duration
	// ReadConns bounds the read pool (default max(4, GOMAXPROCS)).
	ReadConns int
	// Now stamps the rows whose time the caller left zero (default
	// time.Now).
	Now func() time.Time
	// FilesDir keeps the bytes of uploads (store.Blobs), one file per blob
	// in 256 fan-out subdirectories (default: "files" beside Path).
	FilesDir string
}

// DB is an open SQLite database. It implements store.Backend.
type DB struct {
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	stmts *appendStmts

	closeOnce sync.Once
	closeErr  error
}

var _ store.Backend = (*DB)(nil)

// Open opens (creating if needed) and migrates the database at cfg.Path and
// returns the store over it. Close it through Store.Backend.
func Open(ctx context.Context, cfg Config) (*store.Store, error) {
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	filesDir := cfg.FilesDir
	if filesDir == "" {
		filesDir = filepath.Join(filepath.Dir(cfg.Path), "files")
	}
	blobs, err := fsblobs.New(fsblobs.Config{Dir: filesDir, FanOut: true})
	if err != nil {
		_ = db.Close()
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
		Blobs:         blobs,
		Memories:      &Memories{db: db},
		Knowledge:     &Knowledge{db: db},
		Services:      &Services{db: db},
		Revocations:   &Revocations{db: db},
		Backend:       db,
	}, nil
}

func open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Path == "" {
		return nil, errors.New("sqlite: Config.Path is required")
	}
	if cfg.Path == ":memory:" {
		// Each pooled connection would get its own empty database.
		return nil, errors.New("sqlite: in-memory databases are not supported; use a file in a temporary directory")
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = 5 * time.Second
	}
	if cfg.ReadConns <= 0 {
		cfg.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := createFile(cfg.Path); err != nil {
		return nil, err
	}

	write, err := sql.Open("sqlite", dsn(cfg, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	// One writer per process: SQLite has one write lock per file anyway, and
	// queueing in database/sql is cheaper than spinning in the busy handler.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	db := &DB{write: write, now: cfg.Now}
	if err := migrate(ctx, write); err != nil {
		_ = write.Close()
		return nil, err
	}

	// The read pool opens only after migrating, so no reader sees a
	// half-built schema or sets up WAL before the writer did.
	read, err := sql.Open("sqlite", dsn(cfg, true))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	read.SetMaxOpenConns(cfg.ReadConns)
	read.SetMaxIdleConns(cfg.ReadConns)
	db.read = read

	if db.stmts, err = prepareAppend(ctx, write); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// createFile makes the database's directory and, if the file is new, the
// file itself, readable by its owner only: it holds password hashes. SQLite
// gives its -wal and -shm files the same permissions.
func createFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return f.Close()
}

// dsn builds the connection string. Pragmas go in the DSN, not in an Exec
// after Open, because database/sql opens connections lazily and replaces
// broken ones: only the DSN reaches every connection it ever makes.
func dsn(cfg Config, readOnly bool) string {
	q := url.Values{}
	// busy_timeout first: the pragmas after it may need a lock.
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL fsyncs the WAL on every commit: an acked message survives a
		// power cut, which NORMAL does not promise in WAL mode.
		q.Add("_pragma", "synchronous(FULL)")
		// BEGIN IMMEDIATE for every write transaction (see the package doc).
		q.Set("_txlock", "immediate")
		// Checkpoint (copy the WAL back into the database file, inside the
		// commit that crosses the mark) every ~40 MB of WAL instead of
		// SQLite's 4 MB: hot pages (a room's newest messages, its row, the
		// index tails) are copied once per checkpoint however often they
		// changed, so rarer checkpoints copy far less in total. Measured
		// with bench/appendlatency and BenchmarkAppendGroupCommit, this
		// raised peak throughput and lowered p99 ack latency.
		q.Add("_pragma", "wal_autocheckpoint(10000)")
	}
	// A file: URI, so SQLite percent-decodes the path and a '?' or '#' in a
	// directory name cannot be mistaken for the start of the parameters.
	// Not url.URL.String: it would turn a relative "data/x.db" into
	// "file://data/x.db", with "data" as the authority.
	return "file:" + (&url.URL{Path: cfg.Path}).EscapedPath() + "?" + q.Encode()
}

// Ping reports UNAVAILABLE when the database does not answer a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database is unavailable: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// Close closes both pools; later calls return the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		var errs []error
		if db.stmts != nil {
			errs = append(errs, db.stmts.close())
		}
		if db.read != nil {
			errs = append(errs, db.read.Close())
		}
		errs = append(errs, db.write.Close())
		db.closeErr = errors.Join(errs...)
	})
	return db.closeErr
}

// writeTx runs fn in one BEGIN IMMEDIATE transaction and commits it. Errors
// come back as *parley.Error; fn may return either kind.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return storeError(err, "")
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return storeError(err, "")
	}
	if err := tx.Commit(); err != nil {
		return storeError(err, "")
	}
	return nil
}

// stamp is the millisecond UTC form of t, or of now when t is zero.
func (db *DB) stamp(t time.Time) time.Time {
	if t.IsZero() {
		t = db.now()
	}
	return parley.Millis(t)
}
