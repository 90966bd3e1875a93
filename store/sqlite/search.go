package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Search implements store.Search over message_text, the trigram index
// that the search migration creates and its triggers keep (migrations.go).
// Terms of three or more characters go to the index; shorter ones are
// checked here, in Go, on the rows the query returns, which are then at
// most store.SearchScanLimit. Either way the rows come newest first, so
// the first matches are the page.
type Search struct{ db *DB }

var _ store.Search = (*Search)(nil)

// Search returns ErrInvalid for text with no terms or a BeforeID that
// names no message.
func (s *Search) Search(ctx context.Context, q store.SearchQuery) ([]parley.Message, bool, error) {
	terms, err := store.SearchTerms(q.Text)
	if err != nil {
		return nil, false, err
	}
	limit := clampLimit(q.Limit)
	var where []string
	var args []any
	if q.BeforeID != "" {
		var at int64
		err := s.db.read.QueryRowContext(ctx, `SELECT created_at FROM messages WHERE id = ?`, q.BeforeID).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, fmt.Errorf("before %q names no message: %w", q.BeforeID, store.ErrInvalid)
		}
		if err != nil {
			return nil, false, storeError(err, "")
		}
		where = append(where, `(s.created_at < ? OR (s.created_at = ? AND s.id < ?))`)
		args = append(args, at, at, q.BeforeID)
	}
	if len(q.RoomIDs) == 0 {
		return []parley.Message{}, false, nil
	}
	where = append(where, `s.room_id IN (`+placeholders(len(q.RoomIDs))+`)`)
	for _, r := range q.RoomIDs {
		args = append(args, r)
	}

	var long, short []string
	for _, t := range terms {
		if store.ShortTerm(t) {
			short = append(short, t)
		} else {
			long = append(long, t)
		}
	}
	from := `message_search s`
	if len(long) > 0 {
		from = `message_text f JOIN message_search s ON s.k = f.rowid`
		where = append(where, `message_text MATCH ?`)
		args = append(args, ftsQuery(long))
	}
	rowsWanted := limit + 1
	if len(short) > 0 {
		rowsWanted = store.SearchScanLimit
	}
	args = append(args, rowsWanted)
	// The keys are chosen and ordered first, from the index alone (on the
	// short-term scan, message_search_recent covers the query), and only
	// the chosen messages are read.
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT `+prefixed("m.", msgCols)+` FROM (
		   SELECT s.room_id, s.seq, s.created_at, s.id FROM `+from+`
		    WHERE `+strings.Join(where, " AND ")+`
		    ORDER BY s.created_at DESC, s.id DESC LIMIT ?) s
		   JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
		  WHERE m.deleted = 0
		  ORDER BY s.created_at DESC, s.id DESC`, args...)
	if err != nil {
		return nil, false, storeError(err, "")
	}
	defer rows.Close()
	msgs := make([]parley.Message, 0, min(limit, 64))
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, false, storeError(err, "")
		}
		if !store.MatchesAll(m.Text, short) {
			continue
		}
		if len(msgs) == limit {
			return msgs, true, nil
		}
		msgs = append(msgs, *m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, storeError(err, "")
	}
	return msgs, false, nil
}

// ftsQuery makes each term an FTS5 string, which the trigram tokenizer
// matches as a substring: inside double quotes nothing is syntax (AND,
// NEAR, *, -, parentheses are plain text) except the quote itself, which
// is doubled. Strings side by side must all match.
func ftsQuery(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " ")
}

// prefixed qualifies each of a comma-separated column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
