package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// A database from before services could be made on the command line: its
// services all came from PARLEY_SERVICES, so they read as configured (and
// are revoked if they left it), and none is revoked.
func TestServicesOfAnOlderSchemaAreConfigured(t *testing.T) {
	path := oldDatabase(t, 1,
		`INSERT INTO users (id, username, kind, created_at) VALUES ('u1', 'weather', 'service', 1)`,
		`INSERT INTO services (app_id, secret_hash, user_id, created_at) VALUES ('weather', 'h', 'u1', 1)`,
	)

	st, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	got, err := st.Services.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := store.Service{AppID: "weather", SecretHash: "h", UserID: "u1", CreatedAt: fromMillis(1), Configured: true}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("services after migrating = %+v, want [%+v]", got, want)
	}
}

// A database from before edits: its messages get revs equal to their seqs,
// the deleted ones count as changed, and the next change follows on.
func TestMessagesOfAnOlderSchemaGetRevs(t *testing.T) {
	path := oldDatabase(t, 3,
		`INSERT INTO users (id, username, kind, created_at) VALUES ('u1', 'ann', 'human', 1)`,
		`INSERT INTO rooms (id, name, kind, last_seq, created_at) VALUES ('r1', 'room', 'group', 2, 1)`,
		`INSERT INTO messages (room_id, seq, id, sender_id, text, created_at) VALUES ('r1', 1, 'm1', 'u1', 'hi', 1)`,
		`INSERT INTO messages (room_id, seq, id, sender_id, text, deleted, created_at) VALUES ('r1', 2, 'm2', 'u1', '', 1, 1)`,
	)

	st, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	room, err := st.Rooms.ByID(t.Context(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if room.LastRev != 2 || room.LastChange != 2 {
		t.Fatalf("room after migrating: lastRev %d lastChange %d, want 2 and 2 (the deleted m2)", room.LastRev, room.LastChange)
	}
	changes, _, err := st.Edits.Changes(t.Context(), "r1", 0, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ID != "m2" || changes[0].Rev != 2 {
		t.Fatalf("changes after migrating = %+v, want the deleted m2 at rev 2", changes)
	}
	m, err := st.Edits.Edit(t.Context(), "r1", "m1", "hello", nil, fromMillis(2))
	if err != nil {
		t.Fatal(err)
	}
	if m.Rev != 3 || m.Text != "hello" || len(m.Reactions) != 0 {
		t.Fatalf("first edit after migrating = %+v, want rev 3", m)
	}
}

// A database from before search: its live messages become searchable when
// it is opened, its deleted ones do not, and later edits keep the index in
// step.
func TestMessagesOfAnOlderSchemaAreSearchable(t *testing.T) {
	path := oldDatabase(t, 7,
		`INSERT INTO users (id, username, kind, created_at) VALUES ('u1', 'ann', 'human', 1)`,
		`INSERT INTO rooms (id, name, kind, last_seq, last_rev, created_at) VALUES ('r1', 'room', 'group', 3, 3, 1)`,
		`INSERT INTO messages (room_id, seq, rev, id, sender_id, text, created_at) VALUES ('r1', 1, 1, 'm1', 'u1', '我们的数据库挂了', 1)`,
		`INSERT INTO messages (room_id, seq, rev, id, sender_id, text, deleted, changed, created_at) VALUES ('r1', 2, 2, 'm2', 'u1', '', 1, 1, 2)`,
		`INSERT INTO messages (room_id, seq, rev, id, sender_id, text, created_at) VALUES ('r1', 3, 3, 'm3', 'u1', 'The Database is back', 3)`,
	)

	st, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	found := func(text string) []string {
		t.Helper()
		msgs, more, err := st.Search.Search(t.Context(), store.SearchQuery{Text: text, RoomIDs: []string{"r1"}, Limit: 10})
		if err != nil || more {
			t.Fatalf("search %q: more %v, err %v", text, more, err)
		}
		ids := []string{}
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		return ids
	}
	for text, want := range map[string][]string{
		"数据库": {"m1"}, "database": {"m3"}, "库": {"m1"}, "a": {"m3"},
	} {
		if got := found(text); !slices.Equal(got, want) {
			t.Fatalf("search %q after migrating = %v, want %v", text, got, want)
		}
	}
	if _, err := st.Edits.Edit(t.Context(), "r1", "m1", "all good now", nil, fromMillis(4)); err != nil {
		t.Fatal(err)
	}
	if got := found("数据库"); len(got) != 0 {
		t.Fatalf("search for the old text after an edit = %v, want nothing", got)
	}
	if got := found("good"); !slices.Equal(got, []string{"m1"}) {
		t.Fatalf("search for the new text after an edit = %v, want [m1]", got)
	}
}

// A database from before files: its messages read back with no
// attachments, and uploads work at once.
func TestMessagesOfAnOlderSchemaHaveNoAttachments(t *testing.T) {
	path := oldDatabase(t, 7,
		`INSERT INTO users (id, username, kind, created_at) VALUES ('u1', 'ann', 'human', 1)`,
		`INSERT INTO rooms (id, name, kind, last_seq, last_rev, created_at) VALUES ('r1', 'room', 'group', 1, 1, 1)`,
		`INSERT INTO messages (room_id, seq, rev, id, sender_id, text, created_at) VALUES ('r1', 1, 1, 'm1', 'u1', 'hi', 1)`,
	)

	st, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	m, err := st.Messages.Get(t.Context(), "r1", "m1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Attachments == nil || len(m.Attachments) != 0 || m.Text != "hi" {
		t.Fatalf("old message after migrating = %+v, want no attachments", m)
	}
	f := parley.File{ID: "f1", RoomID: "r1", UploaderID: "u1", Name: "a.txt", Size: 3, ContentType: "text/plain; charset=utf-8"}
	if err := st.Files.Create(t.Context(), &f); err != nil {
		t.Fatal(err)
	}
	res, err := st.Messages.Append(t.Context(), []parley.Message{{ID: "m2", RoomID: "r1", SenderID: "u1", Text: "file", Attachments: []string{"f1"}}})
	if err != nil || res[0].Err != nil || res[0].Message.Seq != 2 {
		t.Fatalf("append with a file after migrating = %+v, %v", res, err)
	}
}

// A database from before server administrators: its accounts are neither
// administrators nor disabled, and can be made either.
func TestUsersOfAnOlderSchemaAreNeitherAdminsNorDisabled(t *testing.T) {
	path := oldDatabase(t, 9,
		`INSERT INTO users (id, username, display_name, kind, password_hash, created_at) VALUES ('u1', 'ann', 'Ann', 'human', 'h', 1)`,
	)

	st, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	want := parley.User{ID: "u1", Username: "ann", DisplayName: "Ann", Kind: parley.KindHuman, PasswordHash: "h", CreatedAt: fromMillis(1)}
	if got, err := st.Users.ByID(t.Context(), "u1"); err != nil || *got != want {
		t.Fatalf("old account after migrating = %+v, %v; want %+v", got, err, want)
	}
	if err := st.UserAdmin.SetAdmin(t.Context(), "u1", true); err != nil {
		t.Fatal(err)
	}
	want.Admin = true
	if got, err := st.UserAdmin.List(t.Context()); err != nil || len(got) != 1 || got[0] != want {
		t.Fatalf("List after SetAdmin = %+v, %v", got, err)
	}
}

// oldDatabase makes a database file at the schema of the first version
// migrations, holding the rows that stmts insert, as a binary of that
// time would have left it; the test then opens it with this one.
func oldDatabase(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(Config{Path: path, BusyTimeout: 5e9}, false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	qs := append(slices.Clone(migrations[:version]), stmts...)
	qs = append(qs, fmt.Sprintf("PRAGMA user_version = %d", version))
	for _, q := range qs {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}
