package sqlite

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPragmasOnEveryConnection checks that the settings reach every pooled
// connection, not just the first: they come from the DSN.
func TestPragmasOnEveryConnection(t *testing.T) {
	db, err := open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "p.db"), BusyTimeout: 1234 * time.Millisecond, ReadConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })

	check := func(pool *sql.DB, n int, want map[string]string) {
		t.Helper()
		// Hold n connections at once so each is a distinct one.
		conns := make([]*sql.Conn, n)
		for i := range conns {
			c, err := pool.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns[i] = c
		}
		for i, c := range conns {
			for pragma, v := range want {
				var got string
				if err := c.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatalf("conn %d: PRAGMA %s: %v", i, pragma, err)
				}
				if got != v {
					t.Errorf("conn %d: %s = %s, want %s", i, pragma, got, v)
				}
			}
		}
	}
	check(db.write, 1, map[string]string{
		"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "1234", "query_only": "0",
		"wal_autocheckpoint": "10000",
	})
	check(db.read, 3, map[string]string{
		"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "1234", "query_only": "1",
	})

	var version int
	if err := db.read.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migrations) {
		t.Fatalf("user_version = %d, want %d", version, len(migrations))
	}
}

// TestWriteTxIsImmediate checks that a write transaction takes the write
// lock at BEGIN, before its first read: a second connection cannot begin a
// write while it is open.
func TestWriteTxIsImmediate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	a, err := open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := open(t.Context(), Config{Path: path, BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	tx, err := a.write.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(t.Context(), "SELECT count(*) FROM rooms").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := b.writeTx(t.Context(), func(*sql.Tx) error { return nil }); err == nil {
		t.Fatal("a second write transaction began while the first held the lock: BEGIN is not IMMEDIATE")
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	db, err := open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(t.Context(), "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if db, err := open(t.Context(), Config{Path: path}); err == nil {
		_ = db.Close()
		t.Fatal("opened a database with a newer schema")
	}
}

// TestCreatesPrivateFile: Open makes missing directories, and a new
// database file (which holds password hashes) is readable by its owner only.
func TestCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir with space", "p.db")
	db, err := open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("database file mode %v, want 0600", perm)
	}
	// The data really went into that file (the path survived the URI).
	if _, err := db.write.ExecContext(t.Context(), "INSERT INTO users (id, username, kind, created_at) VALUES ('u', 'u', 'human', 0)"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no WAL next to the database: %v", err)
	}
}

func TestRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	db, err := open(t.Context(), Config{Path: filepath.Join("data", "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(filepath.Join("data", "parley.db")); err != nil {
		t.Fatal(err)
	}
}
