package fsblobs_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/fsblobs"
	"github.com/parley-chat/parley/store/storetest"
)

func TestContract(t *testing.T) {
	for _, fan := range []bool{false, true} {
		name := map[bool]string{false: "Flat", true: "FanOut"}[fan]
		t.Run(name, func(t *testing.T) {
			storetest.RunBlobs(t, func(t *testing.T) store.Blobs {
				b, err := fsblobs.New(fsblobs.Config{Dir: filepath.Join(t.TempDir(), "files"), FanOut: fan})
				if err != nil {
					t.Fatal(err)
				}
				return b
			})
		})
	}
}

// A blob is one file under its key, in its fan-out directory, and a
// refused Put leaves no temporary file behind.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	b, err := fsblobs.New(fsblobs.Config{Dir: dir, FanOut: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(t.Context(), "abcdef", strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	subs, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || !subs[0].IsDir() || len(subs[0].Name()) != 2 {
		t.Fatalf("the blob directory holds %v, want one two-character subdirectory", subs)
	}
	sub := filepath.Join(dir, subs[0].Name())
	got, err := os.ReadFile(filepath.Join(sub, "abcdef"))
	if err != nil || string(got) != "hello" {
		t.Fatalf("%s/abcdef = %q, %v", subs[0].Name(), got, err)
	}
	if _, err := b.Put(t.Context(), "abcdef", strings.NewReader("again")); err == nil {
		t.Fatal("second Put succeeded")
	}
	entries, err := os.ReadDir(sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%s holds %d entries, want only the blob", sub, len(entries))
	}
}

type brokenReader struct{}

func (brokenReader) Read(p []byte) (int, error) { return 0, errors.New("connection reset") }

func TestFailedPutLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	b, err := fsblobs.New(fsblobs.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(t.Context(), "k", io.MultiReader(strings.NewReader("half"), brokenReader{})); err == nil {
		t.Fatal("Put from a broken reader succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("the directory holds %v after a failed Put, want nothing", entries)
	}
}

// A crash mid-Put leaves a temporary file; SweepTemp removes it once it is
// old enough, and leaves blobs and fresh temporary files alone.
func TestSweepTemp(t *testing.T) {
	dir := t.TempDir()
	b, err := fsblobs.New(fsblobs.Config{Dir: dir, FanOut: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(t.Context(), "kept", strings.NewReader("blob")); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "0a")
	if err := os.MkdirAll(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	stale, fresh := filepath.Join(sub, ".put-123"), filepath.Join(dir, ".put-456")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	n, err := b.SweepTemp(t.Context(), time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("SweepTemp = %d, %v; want 1 removed", n, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale temporary file: %v, want removed", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh temporary file: %v, want kept", err)
	}
	bl, err := b.Open(t.Context(), "kept")
	if err != nil {
		t.Fatal(err)
	}
	_ = bl.Close()
}
