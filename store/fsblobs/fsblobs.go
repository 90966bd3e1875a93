// Package fsblobs keeps store.Blobs in a directory: one file per key.
//
// A blob is written to a temporary file in the same directory, synced, and
// then hard-linked under its key. The link is the commit point: it is atomic,
// it fails when the key exists (so two uploads cannot both claim a key and
// neither overwrites the other), and a crash before it leaves only a
// temporary file, never a half blob under a key. Temporary files start with
// a dot, which no key may, so they can never be opened as a blob.
package fsblobs

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-chat/parley/store"
)

// Config configures New. Only Dir is required.
type Config struct {
	// Dir holds the blobs; created (owner-only) if missing.
	Dir string
	// FanOut, when set, keeps each blob in one of 256 subdirectories
	// ("00".."ff"), so no single directory grows to millions of entries.
	// The subdirectory comes from a hash of the key, not its first
	// characters: Parley's ids start with a timestamp, so their first
	// characters are the same for years.
	FanOut bool
}

// Blobs implements store.Blobs on a directory.
type Blobs struct {
	dir    string
	fanOut bool
}

var _ store.Blobs = (*Blobs)(nil)

// New prepares cfg.Dir and returns the blobs kept in it.
func New(cfg Config) (*Blobs, error) {
	if cfg.Dir == "" {
		return nil, errors.New("fsblobs: Config.Dir is required")
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("fsblobs: %w", err)
	}
	return &Blobs{dir: cfg.Dir, fanOut: cfg.FanOut}, nil
}

// checkKey is store.CheckBlobKey: no key can name anything but a file of
// the directory, nor one of the dotted temporary files.
func checkKey(key string) error { return store.CheckBlobKey(key) }

// path is where key lives, and the directory that holds it.
func (b *Blobs) path(key string) (dir, path string) {
	dir = b.dir
	if b.fanOut {
		h := fnv.New32a()
		_, _ = h.Write([]byte(key))
		dir = filepath.Join(b.dir, fmt.Sprintf("%02x", byte(h.Sum32())))
	}
	return dir, filepath.Join(dir, key)
}

// Put writes r to a temporary file, syncs it and links it under key.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	dir, path := b.path(key)
	if _, err := os.Lstat(path); err == nil {
		return 0, fmt.Errorf("blob %q: %w", key, store.ErrConflict)
	}
	if err := b.ensureDir(dir); err != nil {
		return 0, fmt.Errorf("blob %q: %w", key, err)
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return 0, fmt.Errorf("blob %q: %w", key, err)
	}
	// The temporary name goes in every case: after the link the blob lives
	// on under key; before it, nothing of this Put should remain.
	defer func() { _ = os.Remove(tmp.Name()) }()
	n, err := io.Copy(tmp, ctxReader{ctx, r})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("blob %q: write: %w", key, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, fmt.Errorf("blob %q: %w", key, store.ErrConflict)
		}
		return 0, fmt.Errorf("blob %q: %w", key, err)
	}
	// The new name must survive a crash too: sync the directory entry.
	if err := syncDir(dir); err != nil {
		return 0, fmt.Errorf("blob %q: %w", key, err)
	}
	return n, nil
}

// ensureDir creates a fan-out directory on first use and syncs its parent,
// so the directory entry, like the blobs in it, survives a crash.
func (b *Blobs) ensureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// Open returns the file under key.
func (b *Blobs) Open(_ context.Context, key string) (store.Blob, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	_, path := b.path(key)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %q: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob %q: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("blob %q: %w", key, err)
	}
	return &blob{File: f, size: st.Size()}, nil
}

// Delete removes the file under key, if any.
func (b *Blobs) Delete(_ context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, path := b.path(key)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob %q: %w", key, err)
	}
	return nil
}

// tempPrefix starts the name of every temporary file; no key may start
// with a dot (store.CheckBlobKey).
const tempPrefix = ".put-"

// SweepTemp removes the temporary files of Puts that a crash interrupted,
// if they were last written more than olderThan ago, and returns how many
// it removed. Several processes may share the directory, so olderThan
// must exceed the longest upload (an hour is plenty); a cleanup job calls
// it now and then.
func (b *Blobs) SweepTemp(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	err := filepath.WalkDir(b.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed under us
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if path != b.dir && filepath.Dir(path) != b.dir {
				return fs.SkipDir // only the fan-out level holds blobs
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			return nil
		}
		if err := os.Remove(path); err == nil {
			removed++
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("fsblobs: sweep: %w", err)
	}
	return removed, nil
}

type blob struct {
	*os.File
	size int64
}

func (b *blob) Size() int64 { return b.size }

// ctxReader stops a long copy when the caller gives up.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
