package fsblobs_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
