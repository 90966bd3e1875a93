package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// SchemaVersion is the number of migrations this binary knows: a database
// whose PRAGMA user_version is higher was written by a newer Parley.
func SchemaVersion() int { return len(migrations) }

// Summary describes a database file: what Inspect found in it.
type Summary struct {
	Schema   int   // PRAGMA user_version: the migrations it has had
	Size     int64 // bytes of the file
	Users    int64
	Rooms    int64
	Messages int64
}

// ErrNotADatabase is returned by Inspect for a file that is not a SQLite
// database at all (random bytes, a truncated download, a tar archive).
var ErrNotADatabase = errors.New("not a SQLite database")

// BackupTo copies the database at path into dest, which must not exist or
// be empty, with VACUUM INTO. The copy is one read transaction: a
// consistent snapshot of everything committed when it began, taken while a
// server keeps writing (WAL lets the read run beside the writer; it never
// blocks the writer, and the writer never blocks it). busy bounds the wait
// for a lock (a checkpoint or a migration in progress) before the read can
// start. dest is not synced: the caller syncs it before trusting it.
func BackupTo(ctx context.Context, path, dest string, busy time.Duration) error {
	if _, err := os.Stat(path); err != nil {
		// Opening would create an empty database and back that up.
		return fmt.Errorf("sqlite: %w", err)
	}
	db, err := sql.Open("sqlite", fileDSN(path, busy, ""))
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	// The INTO argument is an expression: binding it keeps any quote in
	// the path out of the SQL text.
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("sqlite: copy %s to %s: %w", path, dest, err)
	}
	return nil
}

// Inspect opens the database file at path read-only and reports its
// schema version and contents after PRAGMA integrity_check: an error says
// the file is damaged, is not a database (ErrNotADatabase) or has no
// Parley schema. It never writes to path. A schema newer than
// SchemaVersion is reported in Summary, not as an error: callers decide.
func Inspect(ctx context.Context, path string) (Summary, error) {
	var s Summary
	fi, err := os.Stat(path)
	if err != nil {
		return s, fmt.Errorf("sqlite: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return s, fmt.Errorf("sqlite: %s is not a regular file", path)
	}
	s.Size = fi.Size()
	db, err := sql.Open("sqlite", fileDSN(path, 5*time.Second, "ro"))
	if err != nil {
		return s, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&s.Schema); err != nil {
		return s, inspectError(path, err)
	}
	// integrity_check answers one row "ok", or up to 100 rows naming what
	// is wrong.
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return s, inspectError(path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return s, inspectError(path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return s, inspectError(path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return s, fmt.Errorf("sqlite: %s is damaged: integrity_check says %q", path, problems)
	}
	if s.Schema == 0 {
		return s, fmt.Errorf("sqlite: %s is a SQLite database without a Parley schema (user_version 0)", path)
	}
	for _, c := range []struct {
		table string
		n     *int64
	}{{"users", &s.Users}, {"rooms", &s.Rooms}, {"messages", &s.Messages}} {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+c.table).Scan(c.n); err != nil {
			return s, fmt.Errorf("sqlite: %s has no Parley schema: %w", path, err)
		}
	}
	return s, nil
}

func inspectError(path string, err error) error {
	if sqliteCode(err)&0xff == sqlite3.SQLITE_NOTADB {
		return fmt.Errorf("sqlite: %s: %w", path, ErrNotADatabase)
	}
	return fmt.Errorf("sqlite: %s: %w", path, err)
}

// fileDSN is a plain connection string for the maintenance connections of
// this file: a busy timeout and, when mode is set, an open mode ("ro").
// No journal_mode: the file keeps the one it has.
func fileDSN(path string, busy time.Duration, mode string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	if mode != "" {
		q.Set("mode", mode)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}
