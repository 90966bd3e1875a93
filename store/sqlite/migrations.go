package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; PRAGMA user_version records how many a
// database has had. Never edit or reorder a released entry: append a new one.
//
// Times are INTEGER unix milliseconds (UTC). Usernames are stored lower-case
// and compared NOCASE besides, so no path can create two that differ only in
// case.
var migrations = []string{
	// 1: the chat schema of docs/data-model.md.
	`
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE rooms (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	topic      TEXT NOT NULL DEFAULT '',
	kind       TEXT NOT NULL,
	private    INTEGER NOT NULL DEFAULT 0,
	owner_id   TEXT NOT NULL DEFAULT '',
	last_seq   INTEGER NOT NULL DEFAULT 0,
	direct_key TEXT,
	created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX rooms_direct_key ON rooms (direct_key)
	WHERE direct_key IS NOT NULL AND direct_key <> '';
CREATE INDEX rooms_name ON rooms (name);

CREATE TABLE memberships (
	user_id   TEXT NOT NULL REFERENCES users (id),
	room_id   TEXT NOT NULL REFERENCES rooms (id),
	role      TEXT NOT NULL,
	joined_at INTEGER NOT NULL,
	read_seq  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, room_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_room ON memberships (room_id);

-- Clustered on (room_id, seq): history and sync read a contiguous range.
-- sender_id has no foreign key, as in the MongoDB backend: the log keeps
-- what was said even if an account is ever removed.
CREATE TABLE messages (
	room_id       TEXT NOT NULL REFERENCES rooms (id),
	seq           INTEGER NOT NULL,
	id            TEXT NOT NULL,
	sender_id     TEXT NOT NULL,
	text          TEXT NOT NULL,
	mentions      TEXT NOT NULL DEFAULT '[]',
	client_msg_id TEXT NOT NULL DEFAULT '',
	stream_id     TEXT NOT NULL DEFAULT '',
	deleted       INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	PRIMARY KEY (room_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX messages_id ON messages (id);
CREATE UNIQUE INDEX messages_client_msg ON messages (sender_id, client_msg_id)
	WHERE client_msg_id <> '';

CREATE TABLE services (
	app_id      TEXT PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	user_id     TEXT NOT NULL REFERENCES users (id),
	created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE assistant_memory (
	room_id    TEXT PRIMARY KEY,
	turns      TEXT NOT NULL DEFAULT '[]',
	state      TEXT NOT NULL DEFAULT '{}',
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX assistant_memory_updated ON assistant_memory (updated_at);

-- room_id '' holds knowledge taught for every room.
CREATE TABLE knowledge (
	room_id    TEXT NOT NULL DEFAULT '',
	question   TEXT NOT NULL,
	answer     TEXT NOT NULL,
	taught_by  TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (room_id, question)
) STRICT;
`,
	// 2: revoked tokens (store.Revocations). id is 't:' and the token id for
	// one token, 'u:' and the user id for all of a user's tokens up to at.
	`
CREATE TABLE revocations (
	id       TEXT PRIMARY KEY,
	user_id  TEXT NOT NULL,
	token_id TEXT NOT NULL DEFAULT '',
	at       INTEGER NOT NULL,
	expires  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX revocations_at ON revocations (at);
CREATE INDEX revocations_expires ON revocations (expires);
`,
	// 3: services created from the command line, and revoked services.
	// Every service stored before came from PARLEY_SERVICES.
	`
ALTER TABLE services ADD COLUMN configured INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
`,
	// 4: changes to sent messages (store.Edits) and replies (store.Threads).
	// Revs start where seqs were, so every stored message has one; changed
	// marks the messages a client that was away must fetch again, and the
	// partial index keeps Changes from walking the plain appends.
	`
ALTER TABLE rooms ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
UPDATE messages SET rev = seq, changed = deleted;
UPDATE rooms SET last_rev = last_seq;
CREATE INDEX messages_changes ON messages (room_id, rev) WHERE changed = 1;
CREATE INDEX messages_replies ON messages (room_id, reply_to, seq) WHERE reply_to <> '';
`,
	// 5: the token a user-wide revocation spares (a password change keeps
	// the session that made it); '' spares none.
	`
ALTER TABLE revocations ADD COLUMN except_token TEXT NOT NULL DEFAULT '';
`,
	// 6: each member's notification level of a room (store.Notifications);
	// '' until they choose one, which means the room kind's default.
	`
ALTER TABLE memberships ADD COLUMN notify TEXT NOT NULL DEFAULT '';
`,
	// 7: the rev of each room's newest change, so that sync asks for
	// changes only in rooms that have some the client has not seen.
	`
ALTER TABLE rooms ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;
UPDATE rooms SET last_change = COALESCE(
	(SELECT MAX(rev) FROM messages WHERE messages.room_id = rooms.id AND changed = 1), 0);
`,
	// 8: full-text search (store.Search). messages has no rowid, so
	// message_search gives each live (not deleted) message an integer key k
	// and keeps what ordering and paging need; message_text is a
	// contentless trigram index of their text under the same key, which
	// finds any substring of three or more characters, in any script,
	// case-insensitively. Triggers keep both in step with messages, so no
	// write path has to remember them; an edit re-indexes the new text
	// under a new key and a delete drops the message. Existing messages are
	// indexed here.
	`
CREATE TABLE message_search (
	k          INTEGER PRIMARY KEY,
	room_id    TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	id         TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (room_id, seq)
) STRICT;
CREATE INDEX message_search_recent ON message_search (room_id, created_at, id, seq);
CREATE VIRTUAL TABLE message_text USING fts5 (
	text, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
	INSERT INTO message_search (room_id, seq, id, created_at)
		VALUES (new.room_id, new.seq, new.id, new.created_at);
	INSERT INTO message_text (rowid, text)
		SELECT k, new.text FROM message_search WHERE room_id = new.room_id AND seq = new.seq;
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF text, deleted ON messages BEGIN
	DELETE FROM message_text WHERE rowid =
		(SELECT k FROM message_search WHERE room_id = old.room_id AND seq = old.seq);
	DELETE FROM message_search WHERE room_id = old.room_id AND seq = old.seq;
	INSERT INTO message_search (room_id, seq, id, created_at)
		SELECT new.room_id, new.seq, new.id, new.created_at WHERE new.deleted = 0;
	INSERT INTO message_text (rowid, text)
		SELECT k, new.text FROM message_search WHERE room_id = new.room_id AND seq = new.seq;
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
	DELETE FROM message_text WHERE rowid =
		(SELECT k FROM message_search WHERE room_id = old.room_id AND seq = old.seq);
	DELETE FROM message_search WHERE room_id = old.room_id AND seq = old.seq;
END;

INSERT INTO message_search (room_id, seq, id, created_at)
	SELECT room_id, seq, id, created_at FROM messages WHERE deleted = 0;
INSERT INTO message_text (rowid, text)
	SELECT s.k, m.text FROM message_search s
	JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq;
`,
	// 9: uploads (store.Files) and the files a message carries. A file is
	// attached by setting message_id in the append's transaction; when its
	// message is deleted, message_deleted frees it for orphan cleanup. The
	// partial index holds exactly the cleanup candidates, so Orphans never
	// walks the attached files. attachments is a JSON array of file ids.
	`
CREATE TABLE files (
	id              TEXT PRIMARY KEY,
	room_id         TEXT NOT NULL,
	uploader_id     TEXT NOT NULL,
	name            TEXT NOT NULL DEFAULT '',
	size            INTEGER NOT NULL,
	content_type    TEXT NOT NULL DEFAULT '',
	width           INTEGER NOT NULL DEFAULT 0,
	height          INTEGER NOT NULL DEFAULT 0,
	has_thumb       INTEGER NOT NULL DEFAULT 0,
	message_id      TEXT NOT NULL DEFAULT '',
	message_deleted INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX files_orphans ON files (created_at, id)
	WHERE message_id = '' OR message_deleted = 1;
CREATE INDEX files_message ON files (message_id) WHERE message_id <> '';
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
`,
	// 10: server administrators and disabled accounts (store.UserAdmin).
	`
ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
`,
}

// migrate brings the schema up to date in one IMMEDIATE transaction, so two
// processes opening a new file at once cannot both apply a migration.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("sqlite: migrate: read version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("sqlite: database schema version %d is newer than this binary knows (%d)", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("sqlite: migration %d: %w", i+1, err)
		}
	}
	if version == len(migrations) {
		return nil
	}
	// user_version lives in the database header, which the transaction
	// covers: it changes exactly when the migrations commit.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("sqlite: migrate: set version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate: commit: %w", err)
	}
	return nil
}
