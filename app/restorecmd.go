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

const restoreUsage = `Usage: parley restore [-check] <file>

Put a backup made by "parley backup" in place of the embedded store
(parley.db in PARLEY_DATA_DIR). The backup is checked first: it must be a
SQLite database that passes PRAGMA integrity_check, with a Parley schema no
newer than this binary's. The server must be stopped: restore refuses while
a server (or a backup) holds the data dir's lock. The current database is
kept beside it as parley.db.before-restore-<UTC time> (with its -wal, if
any); the backup file itself is copied, not moved.

Uploaded files (PARLEY_DATA_DIR/files) are not in the backup: put back the
copy of that directory made with it.

With PARLEY_MONGODB_URI set, the store is MongoDB: restore it with
mongorestore (see docs/operations.md, "Backups and restore").

Flags:
  -check   only check the backup and show what it holds; change nothing
`

// RestoreCommand runs `parley restore ...` with args after "restore" and
// returns the process's exit status: 0, 1 for a failure (an unusable
// backup, a running server), 2 for bad usage (and for a MongoDB store,
// which mongorestore restores).
func RestoreCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	fs := commandFlags("restore", restoreUsage, stderr)
	check := fs.Bool("check", false, "only check the backup")
	if code, done := parseCommand(fs, restoreUsage, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		fmt.Fprintf(stderr, "parley restore: name one backup file\n\n%s", restoreUsage)
		return 2
	}
	cfg, ok := commandConfig(getenv, stderr)
	if !ok {
		return 2
	}
	if cfg.MongoURI != "" {
		fmt.Fprint(stderr, mongoRestoreHelp(cfg.MongoDatabase))
		return 2
	}
	backup, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "parley restore: %v\n", err)
		return 1
	}
	if !*check {
		// Held from before the check to after the swap: the server cannot
		// start between them, and a running one is reported first.
		lock, err := lockForRestore(cfg.DataDir)
		if err != nil {
			fmt.Fprintf(stderr, "parley restore: %v\n", err)
			return 1
		}
		defer lock.release()
	}
	sum, err := checkBackup(ctx, backup)
	if err != nil {
		fmt.Fprintf(stderr, "parley restore: %v; nothing was changed\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "parley restore: %s is a usable backup\n", backup)
	printSummary(stdout, sum)
	if *check {
		return 0
	}
	kept, err := restoreEmbedded(cfg.DataDir, backup)
	if err != nil {
		fmt.Fprintf(stderr, "parley restore: %v\n", err)
		return 1
	}
	db := filepath.Join(cfg.DataDir, dbFileName)
	fmt.Fprintf(stdout, "parley restore: restored %s to %s\n", backup, db)
	if kept != "" {
		fmt.Fprintf(stdout, "The database it replaced is kept as %s.\n", kept)
	}
	fmt.Fprintf(stdout, "Put back the copy of %s made with this backup, then start the server.\n",
		filepath.Join(cfg.DataDir, "files")+string(filepath.Separator))
	return 0
}

// checkBackup says whether the file at path can be restored: a Parley
// database, undamaged, with a schema this binary can open.
func checkBackup(ctx context.Context, path string) (sqlite.Summary, error) {
	sum, err := sqlite.Inspect(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return sum, fmt.Errorf("%s does not exist", path)
	case errors.Is(err, sqlite.ErrNotADatabase):
		return sum, fmt.Errorf("%s is not a Parley backup: it is not a SQLite database (damaged, or another kind of file)", path)
	case err != nil:
		return sum, fmt.Errorf("%s is not a usable backup: %w", path, err)
	case hasWAL(path):
		// Restore copies one file: commits still in the WAL would be lost.
		return sum, fmt.Errorf("%s has a -wal file beside it: it is a live database or a copy of one, not a self-contained backup; make one with parley backup", path)
	case sum.Schema > sqlite.SchemaVersion():
		return sum, fmt.Errorf("%s was written by a newer Parley (schema %d; this binary knows up to %d): restore it with that version",
			path, sum.Schema, sqlite.SchemaVersion())
	}
	return sum, nil
}

// hasWAL says whether a non-empty write-ahead log lies beside path.
func hasWAL(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}

// lockForRestore takes dataDir's lock exclusively (creating the dir if
// need be): no server, backup or other restore may be using it.
func lockForRestore(dataDir string) (*dirLock, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	lock, err := lockDataDir(dataDir, true)
	if errors.Is(err, errDataDirBusy) {
		return nil, fmt.Errorf("a Parley server (or a backup) is using %s: stop it first; nothing was changed", dataDir)
	}
	return lock, err
}

// restoreEmbedded puts a checked backup in place of dataDir's database,
// whose lock the caller holds exclusively, and returns the name the
// replaced database was kept under ("" when there was none).
//
// The backup is first copied and synced beside the database under a
// temporary name, so a failure (a full disk) leaves the current database
// untouched; then the current database moves aside and the copy takes its
// name, two renames within one directory.
func restoreEmbedded(dataDir, backup string) (kept string, err error) {
	db := filepath.Join(dataDir, dbFileName)
	if same(db, backup) {
		return "", fmt.Errorf("%s is the live database itself; nothing was changed", backup)
	}
	tmp, err := copyBeside(backup, db)
	if err != nil {
		return "", fmt.Errorf("copy the backup into %s: %w; nothing was changed", dataDir, err)
	}
	defer os.Remove(tmp) // gone once it took the database's name
	giveOwnerOf(tmp, db)

	if _, err := os.Lstat(db); err == nil {
		kept = keptName(db, time.Now())
		if err := os.Rename(db, kept); err != nil {
			return "", fmt.Errorf("move the current database aside: %w; nothing was changed", err)
		}
		// The WAL holds the last commits of the replaced database: it goes
		// with it, under the name SQLite looks for beside the kept file,
		// so opening that file still shows everything. The -shm is only
		// an index of the WAL, rebuilt on open.
		for _, suffix := range []string{"-wal", "-journal"} {
			if err := os.Rename(db+suffix, kept+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return kept, fmt.Errorf("move %s aside: %w (the database is at %s; put it back before starting the server)", db+suffix, err, kept)
			}
		}
		if err := os.Remove(db + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, fmt.Errorf("remove %s: %w (the database is at %s; put it back before starting the server)", db+"-shm", err, kept)
		}
	}
	if err := os.Rename(tmp, db); err != nil {
		return kept, fmt.Errorf("put the backup in place: %w (the previous database is at %s)", err, kept)
	}
	return kept, syncDir(dataDir)
}

// keptName is a name for the replaced database that no file has yet: two
// restores within one second must not overwrite the first one's.
func keptName(db string, now time.Time) string {
	base := db + ".before-restore-" + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

// copyBeside copies src into a new owner-only temporary file in dst's
// directory, synced, and returns its name.
func copyBeside(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".restore-*")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

func mongoRestoreHelp(database string) string {
	return fmt.Sprintf(`parley restore: PARLEY_MONGODB_URI is set, so the store is MongoDB, which
parley restore does not handle. Stop every Parley node, then restore the
mongodump archive: --drop replaces each collection (GridFS files included)
with the archive's, --oplogReplay brings it to the dump's point in time:

  mongorestore --uri="$PARLEY_MONGODB_URI" --drop --oplogReplay --gzip --archive=parley.archive.gz

With the project's docker compose (service "mongo"):

  docker compose exec -T mongo mongorestore --drop --oplogReplay --gzip --archive < parley.archive.gz

An archive of the database alone: --nsInclude='%[1]s.*' instead of --oplogReplay.

See "Backups and restore" in docs/operations.md.
`, database)
}
