package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockFileName is the file in the data dir that running servers hold a
// shared lock on, and that `parley restore` locks exclusively: a restore
// must never swap the database under a live node. Servers share it
// because several Parley processes may use one embedded file (SQLite's own
// locks serialise their writes). The lock is an flock(2) on an open file:
// the kernel drops it when the process ends, however it ends, so a
// crashed server leaves no stale lock behind; the file itself stays and
// means nothing.
const lockFileName = "parley.lock"

// errDataDirBusy says the data dir's lock is held the other way: a server
// (or a backup) runs when taking it exclusively, a restore runs when
// taking it shared.
var errDataDirBusy = errors.New("data dir is locked")

// dirLock is a held lock on a data dir; release lets it go.
type dirLock struct{ f *os.File }

// lockDataDir takes the data dir's lock without waiting: shared for
// servers and backups, exclusive for a restore.
func lockDataDir(dir string, exclusive bool) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data dir: %w", err)
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, err
	}
	return &dirLock{f: f}, nil
}

// release drops the lock; nil-safe, so Close paths need no check.
func (l *dirLock) release() {
	if l != nil {
		l.f.Close() // closing the descriptor drops its flock
	}
}

// holdDataDir takes the data dir's lock for a node on the embedded store,
// shared: other nodes and backups may use the file too; only a restore,
// which takes it exclusively, is kept out. Close releases it.
func (m *Main) holdDataDir() error {
	if m.cfg.MongoURI != "" {
		return nil
	}
	lock, err := lockDataDir(m.cfg.DataDir, false)
	if errors.Is(err, errDataDirBusy) {
		return fmt.Errorf("data dir %s: `parley restore` is running on it: %w", m.cfg.DataDir, err)
	}
	if err != nil {
		return err
	}
	m.dirLock = lock
	return nil
}
