package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store/sqlite"
)

type command func(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int

// runCmd runs a subcommand against the data dir dir and returns its exit
// status and output.
func runCmd(t *testing.T, cmd command, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cmd(t.Context(), envOf(map[string]string{"PARLEY_DATA_DIR": dir}), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// seededDir boots a node on a new data dir, lets setup use it, stops it
// and returns the dir.
func seededDir(t *testing.T, setup func(n *node)) string {
	t.Helper()
	dir := t.TempDir()
	n := boot(t, testConfig(t, dir))
	setup(n)
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// backupOutput is what `parley backup` prints for a copy summarised by
// sum; its duration varies and is matched by durationLine.
func backupOutput(target, dataDir string, sum sqlite.Summary) string {
	return fmt.Sprintf(`parley backup: wrote %s
  size:      %d bytes
  schema:    %d
  users:     %d
  rooms:     %d
  messages:  %d
  integrity: ok
  took:      DURATION
Uploaded files are not in it: copy %s/files/ now, after the database.
`, target, sum.Size, sum.Schema, sum.Users, sum.Rooms, sum.Messages, dataDir)
}

var durationLine = regexp.MustCompile(`(?m)^  took:      [0-9.]+[µnm]?s$`)

func TestBackupRefusesToOverwrite(t *testing.T) {
	dir := seededDir(t, func(n *node) { n.register("alice") })
	out := t.TempDir()
	target := filepath.Join(out, "parley-backup.db")
	if err := os.WriteFile(target, []byte("yesterday's backup"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCmd(t, BackupCommand, dir, target)
	if code != 1 || stdout != "" || stderr != "parley backup: "+target+" exists; use -force to replace it\n" {
		t.Fatalf("backup over an existing file = %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(target); string(b) != "yesterday's backup" {
		t.Fatalf("the existing file was changed: %q", b)
	}

	code, stdout, stderr = runCmd(t, BackupCommand, dir, "-force", target)
	if code != 0 || stderr != "" {
		t.Fatalf("backup -force = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	sum, err := sqlite.Inspect(t.Context(), target)
	if err != nil {
		t.Fatal(err)
	}
	live, err := sqlite.Inspect(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	if live.Users != sum.Users || live.Rooms != sum.Rooms || live.Messages != sum.Messages || sum.Schema != sqlite.SchemaVersion() {
		t.Fatalf("backup holds %+v, the database %+v", sum, live)
	}
	if got, want := durationLine.ReplaceAllString(stdout, "  took:      DURATION"), backupOutput(target, dir, sum); got != want {
		t.Fatalf("backup printed\n%s\nwant\n%s", stdout, want)
	}
	// No temporary file, -wal or -shm is left beside the backup.
	if names := dirNames(t, out); !slices.Equal(names, []string{"parley-backup.db"}) {
		t.Fatalf("files beside the backup: %q", names)
	}
}

func TestBackupOfAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "b.db")
	code, stdout, stderr := runCmd(t, BackupCommand, dir, target)
	want := "parley backup: no database at " + filepath.Join(dir, "parley.db") + " (is PARLEY_DATA_DIR right?)\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("backup without a database = %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("backup created %q in the data dir", names)
	}
}

func TestBackupAndRestoreSendMongoDBToItsTools(t *testing.T) {
	env := envOf(map[string]string{"PARLEY_MONGODB_URI": "mongodb://db.example:27017/?replicaSet=rs0", "PARLEY_MONGODB_DATABASE": "chat"})
	var stdout, stderr bytes.Buffer
	if code := BackupCommand(t.Context(), env, []string{"x.db"}, &stdout, &stderr); code != 2 || stdout.Len() != 0 {
		t.Fatalf("backup on MongoDB = %d, stdout %q", code, &stdout)
	}
	want := `parley backup: PARLEY_MONGODB_URI is set, so the store is MongoDB, which
parley backup does not copy. Back it up with mongodump: uploaded files are
in GridFS in the same database, so the dump holds them too. --oplog makes
the dump one point in time while the nodes keep writing; it dumps the whole
deployment (no --db, and a URI without a database name):

  mongodump --uri="$PARLEY_MONGODB_URI" --oplog --gzip --archive=parley-$(date +%F).archive.gz

With the project's docker compose (service "mongo"):

  docker compose exec -T mongo mongodump --oplog --gzip --archive > parley-$(date +%F).archive.gz

A dump of the database alone (--db=chat, without --oplog) is consistent
only while every Parley node is stopped.

See "Backups and restore" in docs/operations.md.
`
	if stderr.String() != want {
		t.Fatalf("backup on MongoDB said\n%s\nwant\n%s", &stderr, want)
	}
	stderr.Reset()
	if code := RestoreCommand(t.Context(), env, []string{"x.db"}, &stdout, &stderr); code != 2 || stdout.Len() != 0 {
		t.Fatalf("restore on MongoDB = %d, stdout %q", code, &stdout)
	}
	want = `parley restore: PARLEY_MONGODB_URI is set, so the store is MongoDB, which
parley restore does not handle. Stop every Parley node, then restore the
mongodump archive: --drop replaces each collection (GridFS files included)
with the archive's, --oplogReplay brings it to the dump's point in time:

  mongorestore --uri="$PARLEY_MONGODB_URI" --drop --oplogReplay --gzip --archive=parley.archive.gz

With the project's docker compose (service "mongo"):

  docker compose exec -T mongo mongorestore --drop --oplogReplay --gzip --archive < parley.archive.gz

An archive of the database alone: --nsInclude='chat.*' instead of --oplogReplay.

See "Backups and restore" in docs/operations.md.
`
	if stderr.String() != want {
		t.Fatalf("restore on MongoDB said\n%s\nwant\n%s", &stderr, want)
	}
}

func TestRestoreRefusesRandomBytes(t *testing.T) {
	dir := seededDir(t, func(n *node) { n.register("alice") })
	live := filepath.Join(dir, "parley.db")
	before, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, dir)
	noise := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(noise, []byte(strings.Repeat(rand.Text(), 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-check", noise}, {noise}} {
		code, stdout, stderr := runCmd(t, RestoreCommand, dir, args...)
		want := "parley restore: " + noise + " is not a Parley backup: it is not a SQLite database (damaged, or another kind of file); nothing was changed\n"
		if code != 1 || stdout != "" || stderr != want {
			t.Fatalf("restore %q = %d\nstdout: %q\nstderr: %q", args, code, stdout, stderr)
		}
	}
	if after, _ := os.ReadFile(live); !bytes.Equal(before, after) {
		t.Fatal("the live database changed")
	}
	if got := dirNames(t, dir); !slices.Equal(got, names) {
		t.Fatalf("data dir went from %q to %q", names, got)
	}
}

func TestRestoreRefusesNewerSchema(t *testing.T) {
	dir := seededDir(t, func(n *node) {})
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := runCmd(t, BackupCommand, dir, backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	db, err := sql.Open("sqlite", backup)
	if err != nil {
		t.Fatal(err)
	}
	newer := sqlite.SchemaVersion() + 1
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, stdout, stderr := runCmd(t, RestoreCommand, dir, backup)
	want := fmt.Sprintf("parley restore: %s was written by a newer Parley (schema %d; this binary knows up to %d): restore it with that version; nothing was changed\n",
		backup, newer, sqlite.SchemaVersion())
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("restore of a newer schema = %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
	}
}

// TestRestoreRefusedWhileServerRuns: a running node holds the data dir's
// lock, so restore changes nothing; once it stops, restore goes ahead.
func TestRestoreRefusedWhileServerRuns(t *testing.T) {
	dir := t.TempDir()
	n := boot(t, testConfig(t, dir))
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := runCmd(t, BackupCommand, dir, backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	names := dirNames(t, dir)
	code, stdout, stderr := runCmd(t, RestoreCommand, dir, backup)
	want := "parley restore: a Parley server (or a backup) is using " + dir + ": stop it first; nothing was changed\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("restore under a running server = %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
	}
	if got := dirNames(t, dir); !slices.Equal(got, names) {
		t.Fatalf("data dir went from %q to %q", names, got)
	}
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, RestoreCommand, dir, backup); code != 0 {
		t.Fatalf("restore after the server stopped = %d: %s", code, stderr)
	}
}

// TestRestoreLockKeepsServerOut: a node does not start on a data dir that
// a restore holds.
func TestRestoreLockKeepsServerOut(t *testing.T) {
	dir := t.TempDir()
	lock, err := lockDataDir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	m := NewMain(testConfig(t, dir), slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	if addr := m.Addr(); addr != "" {
		cancel()
		<-done
		t.Fatalf("a node started on %s in a data dir under restore", addr)
	}
	err = <-done
	want := "data dir " + dir + ": `parley restore` is running on it: data dir is locked"
	if err == nil || err.Error() != want {
		t.Fatalf("Run under a restore = %v, want %q", err, want)
	}
}

// TestRestoreRoundTrip: back up, change things, restore: the node starts
// on the backup's state, and the replaced database is kept whole.
func TestRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	backup := filepath.Join(t.TempDir(), "b.db")
	var beforeSum sqlite.Summary
	n := boot(t, testConfig(t, dir))
	alice := n.register("alice")
	n.createRoom(alice, "before")
	if code, _, stderr := runCmd(t, BackupCommand, dir, backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	n.createRoom(alice, "after")
	n.register("bob")
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	replaced, err := sqlite.Inspect(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	if beforeSum, err = sqlite.Inspect(t.Context(), backup); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCmd(t, RestoreCommand, dir, "-check", backup)
	check := fmt.Sprintf(`parley restore: %s is a usable backup
  size:      %d bytes
  schema:    %d
  users:     %d
  rooms:     %d
  messages:  %d
  integrity: ok
`, backup, beforeSum.Size, beforeSum.Schema, beforeSum.Users, beforeSum.Rooms, beforeSum.Messages)
	if code != 0 || stderr != "" || stdout != check {
		t.Fatalf("restore -check = %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", code, stdout, check, stderr)
	}

	code, stdout, stderr = runCmd(t, RestoreCommand, dir, backup)
	if code != 0 || stderr != "" {
		t.Fatalf("restore = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var kept string
	for _, name := range dirNames(t, dir) {
		if strings.HasPrefix(name, "parley.db.before-restore-") && !strings.HasSuffix(name, "-wal") {
			kept = filepath.Join(dir, name)
		}
	}
	want := check + fmt.Sprintf(`parley restore: restored %s to %s
The database it replaced is kept as %s.
Put back the copy of %s/files/ made with this backup, then start the server.
`, backup, filepath.Join(dir, "parley.db"), kept, dir)
	if stdout != want {
		t.Fatalf("restore printed\n%s\nwant\n%s", stdout, want)
	}
	if got, err := sqlite.Inspect(t.Context(), kept); err != nil || got.Users != replaced.Users || got.Rooms != replaced.Rooms {
		t.Fatalf("kept database: %+v, %v; it was %+v", got, err, replaced)
	}

	n = boot(t, testConfig(t, dir))
	status, body := n.do("POST", "/api/auth/login", "", `{"username":"alice","password":"password1"}`)
	if status != http.StatusOK {
		t.Fatalf("alice's login after the restore: %d %s", status, body)
	}
	status, body = n.do("POST", "/api/auth/login", "", `{"username":"bob","password":"password1"}`)
	if status != http.StatusUnauthorized {
		t.Fatalf("bob, registered after the backup, logs in after the restore: %d %s", status, body)
	}
	status, body = n.do("GET", "/api/rooms/public", alice, "")
	var public struct{ Rooms []struct{ Name string } }
	if status != http.StatusOK || json.Unmarshal([]byte(body), &public) != nil {
		t.Fatalf("public rooms after the restore: %d %s", status, body)
	}
	var names []string
	for _, r := range public.Rooms {
		names = append(names, r.Name)
	}
	if want := []string{"before", "general"}; !slices.Equal(names, want) {
		t.Fatalf("public rooms after the restore: %q, want %q", names, want)
	}
}

// TestRestoreKeepsTheReplacedWAL: a database whose last commits are still
// in its WAL (its server crashed) is kept whole: the WAL moves with it.
func TestRestoreKeepsTheReplacedWAL(t *testing.T) {
	dir := seededDir(t, func(n *node) {})
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := runCmd(t, BackupCommand, dir, backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	// Left open, as by a process that died: its last commit stays in the
	// WAL. It holds no data dir lock (it is not a server).
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	u := parley.User{ID: parley.NewID(), Username: "lastone", Kind: parley.KindHuman}
	if err := st.Users.Create(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "parley.db-wal")); err != nil {
		t.Fatalf("no WAL to carry: %v", err)
	}
	if code, _, stderr := runCmd(t, RestoreCommand, dir, backup); code != 0 {
		t.Fatalf("restore = %d: %s", code, stderr)
	}
	var kept []string
	for _, name := range dirNames(t, dir) {
		if strings.HasPrefix(name, "parley.db.before-restore-") {
			kept = append(kept, name)
		}
	}
	if len(kept) != 2 || kept[1] != kept[0]+"-wal" {
		t.Fatalf("kept files: %q, want the database and its -wal", kept)
	}
	for _, name := range []string{"parley.db-wal", "parley.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s of the replaced database is still beside the restored one", name)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, kept[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRow("SELECT username FROM users WHERE id = ?", u.ID).Scan(&name); err != nil || name != "lastone" {
		t.Fatalf("the kept database lost its last commit: %q, %v", name, err)
	}
}

// TestRestoreRefusesALiveDatabaseWithItsWAL: restore copies one file, so
// a database whose last commits are in a -wal beside it is refused.
func TestRestoreRefusesALiveDatabaseWithItsWAL(t *testing.T) {
	dir := seededDir(t, func(n *node) {})
	other := t.TempDir()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(other, "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Backend.Close()
	live := filepath.Join(other, "parley.db")
	code, stdout, stderr := runCmd(t, RestoreCommand, dir, "-check", live)
	want := "parley restore: " + live + " has a -wal file beside it: it is a live database or a copy of one, not a self-contained backup; make one with parley backup; nothing was changed\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("restore of a live database = %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
	}
}

// TestRestoreLockKeepsCommandsOut: `parley user` and `parley service`
// write to the store, so they wait for no restore: they refuse and say why.
func TestRestoreLockKeepsCommandsOut(t *testing.T) {
	dir := t.TempDir()
	lock, err := lockDataDir(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	want := "data dir " + dir + ": `parley restore` is running on it: data dir is locked"
	if code, _, stderr := user(t, dir, piped(""), "list"); code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("parley user list under a restore: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	env := map[string]string{"PARLEY_DATA_DIR": dir}
	var out, errOut bytes.Buffer
	if code := ServiceCommand(t.Context(), func(k string) string { return env[k] }, []string{"list"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), want) {
		t.Errorf("parley service list under a restore: exit %d, stderr %q; want 1 and %q", code, errOut.String(), want)
	}
}
