package sqlite_test

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store/sqlite"
)

// TestBackupToCopiesWhatWasCommitted copies a database that is still open
// (its last writes only in the WAL) and reads the copy back.
func TestBackupToCopiesWhatWasCommitted(t *testing.T) {
	dir := t.TempDir()
	src := openTemp(t, filepath.Join(dir, "parley.db"))
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman}
	must(t, src.Users.Create(t.Context(), &u))
	r := parley.Room{ID: parley.NewID(), Name: "kept"}
	must(t, src.Rooms.Create(t.Context(), &r, u.ID))

	dest := filepath.Join(dir, "copy.db")
	if err := sqlite.BackupTo(t.Context(), filepath.Join(dir, "parley.db"), dest, time.Second); err != nil {
		t.Fatal(err)
	}
	sum, err := sqlite.Inspect(t.Context(), dest)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(dest)
	want := sqlite.Summary{Schema: sqlite.SchemaVersion(), Size: fi.Size(), Users: 1, Rooms: 1}
	if sum != want {
		t.Fatalf("Inspect(copy) = %+v, want %+v", sum, want)
	}
	got, err := openTemp(t, dest).Rooms.ByID(t.Context(), r.ID)
	if err != nil || got.Name != "kept" {
		t.Fatalf("room in the copy: %+v, %v", got, err)
	}
}

func TestInspectRefusesRandomBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "noise.db")
	must(t, os.WriteFile(path, []byte(rand.Text()+rand.Text()+rand.Text()), 0o600))
	before, _ := os.ReadFile(path)
	_, err := sqlite.Inspect(t.Context(), path)
	if !errors.Is(err, sqlite.ErrNotADatabase) {
		t.Fatalf("Inspect(random bytes) = %v, want ErrNotADatabase", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("Inspect changed the file")
	}
}

func TestBackupToRefusesMissingSource(t *testing.T) {
	dir := t.TempDir()
	err := sqlite.BackupTo(t.Context(), filepath.Join(dir, "none.db"), filepath.Join(dir, "copy.db"), time.Second)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("BackupTo(missing) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("BackupTo created the source")
	}
}
