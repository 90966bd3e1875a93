package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley/store"
)

// A database from before services could be made on the command line: its
// services all came from PARLEY_SERVICES, so they read as configured (and
// are revoked if they left it), and none is revoked.
func TestServicesOfAnOlderSchemaAreConfigured(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(Config{Path: path, BusyTimeout: 5e9}, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		migrations[0],
		`INSERT INTO users (id, username, kind, created_at) VALUES ('u1', 'weather', 'service', 1)`,
		`INSERT INTO services (app_id, secret_hash, user_id, created_at) VALUES ('weather', 'h', 'u1', 1)`,
		`PRAGMA user_version = 1`,
	} {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_ = raw.Close()

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
