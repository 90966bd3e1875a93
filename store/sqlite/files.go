package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Files implements store.Files.
type Files struct{ db *DB }

var _ store.Files = (*Files)(nil)

const fileCols = `id, room_id, uploader_id, name, size, content_type, width, height, has_thumb, message_id, created_at`

// Create inserts f unattached, filling in a zero CreatedAt.
func (s *Files) Create(ctx context.Context, f *parley.File) error {
	if err := store.CheckNewFile(f); err != nil {
		return err
	}
	created := s.db.stamp(f.CreatedAt)
	err := s.db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO files (`+fileCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
			f.ID, f.RoomID, f.UploaderID, f.Name, f.Size, f.ContentType, f.Width, f.Height, f.HasThumb, toMillis(created))
		if isUnique(err) {
			return fmt.Errorf("file %q: %w: %w", f.ID, store.ErrConflict, err)
		}
		return err
	})
	if err != nil {
		return err
	}
	f.MessageID, f.CreatedAt = "", created
	return nil
}

// Get returns NOT_FOUND when no file has that id.
func (s *Files) Get(ctx context.Context, id string) (*parley.File, error) {
	f, err := scanFile(s.db.read.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files WHERE id = ?`, id))
	if err != nil {
		return nil, storeError(err, "file")
	}
	return f, nil
}

// ByIDs reads at most maxLimit files.
func (s *Files) ByIDs(ctx context.Context, ids []string) ([]parley.File, error) {
	if len(ids) == 0 {
		return []parley.File{}, nil
	}
	ids = ids[:min(len(ids), maxLimit)]
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+fileCols+` FROM files WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	return scanFiles(rows, err)
}

// Orphans reads the partial index of cleanup candidates.
func (s *Files) Orphans(ctx context.Context, cutoff time.Time, limit int) ([]parley.File, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+fileCols+` FROM files INDEXED BY files_orphans
		  WHERE (message_id = '' OR message_deleted = 1)
		    AND (message_deleted = 1 OR created_at < ?)
		  ORDER BY created_at, id LIMIT ?`,
		toMillis(cutoff), clampLimit(limit))
	return scanFiles(rows, err)
}

// Delete removes the file's row.
func (s *Files) Delete(ctx context.Context, id string) error {
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("file %q: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// StoredBytes sums every file's size.
func (s *Files) StoredBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM files`).Scan(&n); err != nil {
		return 0, storeError(err, "")
	}
	return n, nil
}

func scanFiles(rows *sql.Rows, err error) ([]parley.File, error) {
	if err != nil {
		return nil, storeError(err, "")
	}
	defer rows.Close()
	out := []parley.File{}
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, storeError(err, "")
		}
		out = append(out, *f)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "")
	}
	return out, nil
}

func scanFile(sc scanner) (*parley.File, error) {
	var f parley.File
	var created int64
	if err := sc.Scan(&f.ID, &f.RoomID, &f.UploaderID, &f.Name, &f.Size, &f.ContentType,
		&f.Width, &f.Height, &f.HasThumb, &f.MessageID, &created); err != nil {
		return nil, err
	}
	f.CreatedAt = fromMillis(created)
	return &f, nil
}
