package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// storeError translates a driver error into a *parley.Error, which is all
// callers of this package ever see. notFound names the thing sql.ErrNoRows
// stands for ("room", "message"...). Errors that already are *parley.Error
// pass through unchanged.
func storeError(err error, notFound string) error {
	if err == nil {
		return nil
	}
	var se *parley.Error
	if errors.As(err, &se) {
		return err
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if notFound == "" {
			notFound = "record"
		}
		return fmt.Errorf("%s: %w: %w", notFound, store.ErrNotFound, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("database did not answer in time: %w: %w", store.ErrUnavailable, err)
	case errors.Is(err, sql.ErrConnDone), isClosed(err):
		return fmt.Errorf("database is closed: %w: %w", store.ErrUnavailable, err)
	}
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("database is busy: %w: %w", store.ErrUnavailable, err)
	case sqlite3.SQLITE_INTERRUPT:
		// modernc interrupts a statement whose context ended.
		return fmt.Errorf("database did not answer in time: %w: %w", store.ErrUnavailable, err)
	case sqlite3.SQLITE_CONSTRAINT:
		switch sqliteCode(err) {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("duplicate key: %w: %w", store.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("a referenced record does not exist: %w: %w", store.ErrNotFound, err)
		}
	}
	return fmt.Errorf("database error: %w", err)
}

// sqliteCode is the (extended) SQLite result code in err's chain, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isConstraint reports a constraint violation: SQLite backs out just the
// failing statement, so the transaction around it can go on.
func isConstraint(err error) bool {
	return sqliteCode(err)&0xff == sqlite3.SQLITE_CONSTRAINT
}

// isUnique reports a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isClosed recognises database/sql's unexported "database is closed" error.
func isClosed(err error) bool {
	return strings.Contains(err.Error(), "sql: database is closed")
}
