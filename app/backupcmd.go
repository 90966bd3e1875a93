package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-chat/parley/store/sqlite"
)

const backupUsage = `Usage: parley backup [-force] <file>

Copy the embedded store (parley.db in PARLEY_DATA_DIR) to <file> while the
server runs: one consistent snapshot of everything committed when the copy
began (SQLite VACUUM INTO); writers are not held up. The copy is written
beside <file> under a temporary name, checked (PRAGMA integrity_check) and
only then given its name, so a failed backup never leaves a partial file
there. An existing <file> is refused unless -force.

Uploaded files (PARLEY_DATA_DIR/files) are not in the copy: copy that
directory after the database, e.g. rsync -a "$PARLEY_DATA_DIR/files/" ...;
blobs never change once written, so every file the copy refers to is there.

With PARLEY_MONGODB_URI set, the store is MongoDB: back it up with
mongodump (see docs/operations.md, "Backups and restore").

Flags:
  -force   replace <file> if it exists
`

// backupBusyTimeout is how long the copy waits for SQLite's locks (a
// checkpoint, a migration) before it can start reading.
const backupBusyTimeout = 30 * time.Second

// BackupCommand runs `parley backup ...` with args after "backup" and
// returns the process's exit status: 0, 1 for a failure, 2 for bad usage
// (and for a MongoDB store, which mongodump backs up).
func BackupCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("backup", backupUsage, stderr)
	force := fs.Bool("force", false, "replace <file> if it exists")
	if code, done := parseCommand(fs, backupUsage, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		fmt.Fprintf(stderr, "parley backup: name one file to write\n\n%s", backupUsage)
		return 2
	}
	cfg, ok := commandConfig(getenv, stderr)
	if !ok {
		return 2
	}
	if cfg.MongoURI != "" {
		fmt.Fprint(stderr, mongoBackupHelp(cfg.MongoDatabase))
		return 2
	}
	target, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "parley backup: %v\n", err)
		return 1
	}
	start := time.Now()
	sum, err := backupEmbedded(ctx, cfg.DataDir, target, *force)
	if err != nil {
		fmt.Fprintf(stderr, "parley backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "parley backup: wrote %s\n", target)
	printSummary(stdout, sum)
	fmt.Fprintf(stdout, "  took:      %s\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Uploaded files are not in it: copy %s now, after the database.\n",
		filepath.Join(cfg.DataDir, "files")+string(filepath.Separator))
	return 0
}

// errTargetExists is the refusal to overwrite a backup without -force.
var errTargetExists = errors.New("exists; use -force to replace it")

// backupEmbedded copies dataDir's database to target and checks the copy.
func backupEmbedded(ctx context.Context, dataDir, target string, force bool) (sqlite.Summary, error) {
	var sum sqlite.Summary
	db := filepath.Join(dataDir, dbFileName)
	if _, err := os.Stat(db); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sum, fmt.Errorf("no database at %s (is PARLEY_DATA_DIR right?)", db)
		}
		return sum, err
	}
	if same(db, target) {
		return sum, fmt.Errorf("%s is the live database itself", target)
	}
	if !force {
		// Checked again when the copy takes the name; this saves copying
		// a large database only to be refused.
		if _, err := os.Lstat(target); err == nil {
			return sum, fmt.Errorf("%s %w", target, errTargetExists)
		}
	}
	// Shared, like a server: keeps a restore from swapping the file while
	// it is being copied.
	lock, err := lockDataDir(dataDir, false)
	if errors.Is(err, errDataDirBusy) {
		return sum, fmt.Errorf("`parley restore` is running on %s; try again after it", dataDir)
	}
	if err != nil {
		return sum, err
	}
	defer lock.release()

	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return sum, err
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName) // gone already when the copy took its name
	if err := sqlite.BackupTo(ctx, db, tmpName, backupBusyTimeout); err != nil {
		return sum, err
	}
	if err := syncFile(tmpName); err != nil {
		return sum, err
	}
	if sum, err = sqlite.Inspect(ctx, tmpName); err != nil {
		return sum, fmt.Errorf("the copy failed its check, so nothing was written: %w", err)
	}
	if err := placeFile(tmpName, target, force); err != nil {
		return sum, err
	}
	return sum, syncDir(filepath.Dir(target))
}

// placeFile gives tmp the name target. Without replace, a hard link is the
// commit point: it fails if target appeared meanwhile, so nothing is ever
// overwritten. Where links are not supported, a check-then-rename is the
// best there is.
func placeFile(tmp, target string, replace bool) error {
	if replace {
		return os.Rename(tmp, target)
	}
	err := os.Link(tmp, target)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s %w", target, errTargetExists)
	}
	if _, serr := os.Lstat(target); serr == nil {
		return fmt.Errorf("%s %w", target, errTargetExists)
	}
	return os.Rename(tmp, target)
}

// printSummary shows what a backup holds.
func printSummary(w io.Writer, s sqlite.Summary) {
	fmt.Fprintf(w, "  size:      %d bytes\n", s.Size)
	fmt.Fprintf(w, "  schema:    %d\n", s.Schema)
	fmt.Fprintf(w, "  users:     %d\n", s.Users)
	fmt.Fprintf(w, "  rooms:     %d\n", s.Rooms)
	fmt.Fprintf(w, "  messages:  %d\n", s.Messages)
	fmt.Fprintf(w, "  integrity: ok\n")
}

// same says whether a and b name one existing file.
func same(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename or link in dir durable. Some systems cannot sync
// a directory; the file itself is synced already.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

func mongoBackupHelp(database string) string {
	return fmt.Sprintf(`parley backup: PARLEY_MONGODB_URI is set, so the store is MongoDB, which
parley backup does not copy. Back it up with mongodump: uploaded files are
in GridFS in the same database, so the dump holds them too. --oplog makes
the dump one point in time while the nodes keep writing; it dumps the whole
deployment (no --db, and a URI without a database name):

  mongodump --uri="$PARLEY_MONGODB_URI" --oplog --gzip --archive=parley-$(date +%%F).archive.gz

With the project's docker compose (service "mongo"):

  docker compose exec -T mongo mongodump --oplog --gzip --archive > parley-$(date +%%F).archive.gz

A dump of the database alone (--db=%[1]s, without --oplog) is consistent
only while every Parley node is stopped.

See "Backups and restore" in docs/operations.md.
`, database)
}
