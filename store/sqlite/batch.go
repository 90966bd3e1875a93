package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// appendStmts are Append's statements, prepared once on the write pool.
// Binding them to each batch's transaction (Tx.StmtContext) reuses the
// compiled statement of the one write connection instead of parsing the SQL
// again for every message.
type appendStmts struct {
	roomSeq     *sql.Stmt
	insert      *sql.Stmt
	byClient    *sql.Stmt
	setRoomSeq  *sql.Stmt
	advanceRead *sql.Stmt
	files       *sql.Stmt
	attach      *sql.Stmt
}

func prepareAppend(ctx context.Context, db *sql.DB) (*appendStmts, error) {
	s := &appendStmts{}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&s.roomSeq, `SELECT last_seq, last_rev FROM rooms WHERE id = ?`},
		// DO NOTHING on the (sender, clientMsgId) index turns a retried
		// send into "0 rows" instead of an aborted statement, and saves a
		// lookup per message in the common, non-duplicate case.
		{&s.insert, `INSERT INTO messages (` + msgCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, '[]', ?)
			ON CONFLICT (sender_id, client_msg_id) WHERE client_msg_id <> '' DO NOTHING`},
		{&s.byClient, `SELECT ` + msgCols + ` FROM messages WHERE sender_id = ? AND client_msg_id = ?`},
		{&s.setRoomSeq, `UPDATE rooms SET last_seq = ?, last_rev = ? WHERE id = ?`},
		{&s.advanceRead, `UPDATE memberships SET read_seq = ? WHERE user_id = ? AND room_id = ? AND read_seq < ?`},
		// Attachments come as a JSON array, so one prepared statement
		// serves any number of them.
		{&s.files, `SELECT id, room_id, uploader_id, message_id FROM files WHERE id IN (SELECT value FROM json_each(?))`},
		{&s.attach, `UPDATE files SET message_id = ? WHERE id IN (SELECT value FROM json_each(?)) AND message_id = ''`},
	} {
		st, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			_ = s.close()
			return nil, fmt.Errorf("sqlite: prepare %q: %w", p.query, err)
		}
		*p.dst = st
	}
	return s, nil
}

func (s *appendStmts) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.roomSeq, s.insert, s.byClient, s.setRoomSeq, s.advanceRead, s.files, s.attach} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// batch is the state of one Append transaction. Seqs are assigned in memory
// from each room's lastSeq, read once per batch, and written back once per
// room at the end: the IMMEDIATE transaction holds the database write lock
// throughout, so nobody else can move lastSeq in between, and a message that
// fails is simply not given the seq, which the next one takes: no gaps.
type batch struct {
	ctx context.Context
	appendStmts
	rooms map[string]*roomState // nil value: the room does not exist
	reads map[readKey]int64     // sender's newest own message per room
}

type roomState struct {
	lastSeq, lastRev int64
	dirty            bool
}

type readKey struct{ user, room string }

func (s *appendStmts) begin(ctx context.Context, tx *sql.Tx) *batch {
	return &batch{
		ctx: ctx,
		appendStmts: appendStmts{
			roomSeq:     tx.StmtContext(ctx, s.roomSeq),
			insert:      tx.StmtContext(ctx, s.insert),
			byClient:    tx.StmtContext(ctx, s.byClient),
			setRoomSeq:  tx.StmtContext(ctx, s.setRoomSeq),
			advanceRead: tx.StmtContext(ctx, s.advanceRead),
			files:       tx.StmtContext(ctx, s.files),
			attach:      tx.StmtContext(ctx, s.attach),
		},
		rooms: make(map[string]*roomState),
		reads: make(map[readKey]int64),
	}
}

// append stores one message. A returned error fails the whole batch; a
// per-message failure is in the result, and then nothing of the message was
// written (a failed statement is backed out on its own in SQLite, and seq
// and read state are only touched in memory until finish).
func (b *batch) append(m *parley.Message, now time.Time) (store.AppendResult, error) {
	switch {
	case m.ID == "":
		return failed(fmt.Errorf("message id is required: %w", store.ErrInvalid)), nil
	case m.SenderID == "":
		return failed(fmt.Errorf("message sender is required: %w", store.ErrInvalid)), nil
	case m.RoomID == "":
		return failed(fmt.Errorf("room is required: %w", store.ErrInvalid)), nil
	}
	room, err := b.room(m.RoomID)
	if err != nil {
		return store.AppendResult{}, err
	}
	if room == nil {
		return failed(fmt.Errorf("room %q: %w", m.RoomID, store.ErrNotFound)), nil
	}
	mentions, err := encodeMentions(m.Mentions)
	if err != nil {
		return failed(fmt.Errorf("invalid mentions: %w: %w", store.ErrInvalid, err)), nil
	}
	attachments := "[]"
	if len(m.Attachments) > 0 {
		// A retry is answered with the original before its files are
		// looked at: they are attached to the original by now.
		if m.ClientMsgID != "" {
			orig, err := b.original(m.SenderID, m.ClientMsgID)
			if err != nil {
				return store.AppendResult{}, err
			}
			if orig != nil {
				return store.AppendResult{Message: *orig, Duplicate: true}, nil
			}
		}
		if attachments, err = encodeMentions(m.Attachments); err != nil {
			return failed(fmt.Errorf("invalid attachments: %w: %w", store.ErrInvalid, err)), nil
		}
		if res, err := b.checkFiles(m, attachments); res.Err != nil || err != nil {
			return res, err
		}
	}
	stored := *m
	stored.Seq = room.lastSeq + 1
	stored.Rev = room.lastRev + 1
	stored.Deleted, stored.EditedAt, stored.Reactions = false, time.Time{}, []parley.Reaction{}
	stored.CreatedAt = now
	if !m.CreatedAt.IsZero() {
		stored.CreatedAt = parley.Millis(m.CreatedAt)
	}
	// Our own copies, never nil, as reads return them.
	stored.Mentions = append(make([]string, 0, len(m.Mentions)), m.Mentions...)
	stored.Attachments = append(make([]string, 0, len(m.Attachments)), m.Attachments...)

	res, err := b.insert.ExecContext(b.ctx,
		stored.ID, stored.RoomID, stored.Seq, stored.SenderID, stored.Text, mentions,
		stored.ClientMsgID, stored.StreamID, toMillis(stored.CreatedAt), stored.Rev, stored.ReplyTo, attachments)
	inserted := int64(0)
	if err == nil {
		inserted, err = res.RowsAffected()
	}
	switch {
	case err != nil && !isConstraint(err):
		return store.AppendResult{}, err
	case err != nil || inserted == 0:
		// Either the (sender, clientMsgId) pair exists, stored earlier or
		// earlier in this batch, or another constraint (the id) failed; a
		// retry that reuses the message id too hits the id first.
		if m.ClientMsgID != "" {
			orig, lookupErr := b.original(m.SenderID, m.ClientMsgID)
			if lookupErr != nil {
				return store.AppendResult{}, lookupErr
			}
			if orig != nil {
				return store.AppendResult{Message: *orig, Duplicate: true}, nil
			}
		}
		if err == nil {
			return store.AppendResult{}, errors.New("insert ignored but no duplicate found")
		}
		if isUnique(err) {
			return failed(fmt.Errorf("message %q: %w: %w", m.ID, store.ErrConflict, err)), nil
		}
		return failed(storeError(err, "")), nil
	}

	if len(stored.Attachments) > 0 {
		// checkFiles saw every file unattached, under the write lock.
		res, err := b.attach.ExecContext(b.ctx, stored.ID, attachments)
		if err != nil {
			return store.AppendResult{}, err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(stored.Attachments)) {
			return store.AppendResult{}, fmt.Errorf("attached %d of %d files (%v)", n, len(stored.Attachments), err)
		}
	}
	room.lastSeq, room.lastRev, room.dirty = stored.Seq, stored.Rev, true
	b.reads[readKey{stored.SenderID, stored.RoomID}] = stored.Seq
	return store.AppendResult{Message: stored}, nil
}

// checkFiles rejects m (in the result) unless every attachment is a
// distinct, existing file of m's room, uploaded by m's sender and not yet
// attached to any message: files attached earlier in this batch count, as
// the batch's own writes are visible to it.
func (b *batch) checkFiles(m *parley.Message, ids string) (store.AppendResult, error) {
	if len(m.Attachments) > parley.MaxAttachments {
		return failed(fmt.Errorf("%d attachments, at most %d: %w", len(m.Attachments), parley.MaxAttachments, store.ErrInvalid)), nil
	}
	want := make(map[string]bool, len(m.Attachments))
	for _, id := range m.Attachments {
		if id == "" || want[id] {
			return failed(fmt.Errorf("attachment %q is empty or listed twice: %w", id, store.ErrInvalid)), nil
		}
		want[id] = true
	}
	rows, err := b.files.QueryContext(b.ctx, ids)
	if err != nil {
		return store.AppendResult{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, room, uploader, msg string
		if err := rows.Scan(&id, &room, &uploader, &msg); err != nil {
			return store.AppendResult{}, err
		}
		switch {
		case room != m.RoomID:
			return failed(fmt.Errorf("file %q belongs to another room: %w", id, store.ErrInvalid)), nil
		case uploader != m.SenderID:
			return failed(fmt.Errorf("file %q was uploaded by someone else: %w", id, store.ErrInvalid)), nil
		case msg != "":
			return failed(fmt.Errorf("file %q is attached to another message: %w", id, store.ErrInvalid)), nil
		}
		delete(want, id)
	}
	if err := rows.Err(); err != nil {
		return store.AppendResult{}, err
	}
	for id := range want {
		return failed(fmt.Errorf("file %q does not exist: %w", id, store.ErrInvalid)), nil
	}
	return store.AppendResult{}, nil
}

// room returns the room's seq state, reading lastSeq on first use.
func (b *batch) room(id string) (*roomState, error) {
	if st, ok := b.rooms[id]; ok {
		return st, nil
	}
	var seq, rev int64
	err := b.roomSeq.QueryRowContext(b.ctx, id).Scan(&seq, &rev)
	var st *roomState
	switch {
	case err == nil:
		st = &roomState{lastSeq: seq, lastRev: rev}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	b.rooms[id] = st
	return st, nil
}

// original is the stored message with that (sender, clientMsgId), or nil.
func (b *batch) original(sender, clientMsgID string) (*parley.Message, error) {
	m, err := scanMessage(b.byClient.QueryRowContext(b.ctx, sender, clientMsgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return m, err
}

// finish writes each touched room's lastSeq, lastRev and each sender's read cursor
// once for the whole batch. The cursor only moves forward, and only for a
// sender who is a member.
func (b *batch) finish() error {
	for id, st := range b.rooms {
		if st == nil || !st.dirty {
			continue
		}
		if _, err := b.setRoomSeq.ExecContext(b.ctx, st.lastSeq, st.lastRev, id); err != nil {
			return err
		}
	}
	for k, seq := range b.reads {
		if _, err := b.advanceRead.ExecContext(b.ctx, seq, k.user, k.room, seq); err != nil {
			return err
		}
	}
	return nil
}

func failed(err error) store.AppendResult { return store.AppendResult{Err: err} }
