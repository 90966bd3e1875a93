package fsblobs_test

import (
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

// A blob is one file under its key (in its fan-out directory), and a
// failed Put leaves no temporary file behind.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	b, err := fsblobs.New(fsblobs.Config{Dir: dir, FanOut: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(t.Context(), "abcdef", strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "ab", "abcdef"))
	if err != nil || string(got) != "hello" {
		t.Fatalf("ab/abcdef = %q, %v", got, err)
	}
	if _, err := b.Put(t.Context(), "abcdef", strings.NewReader("again")); err == nil {
		t.Fatal("second Put succeeded")
	}
	entries, err := os.ReadDir(filepath.Join(dir, "ab"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("ab/ holds %d entries, want only the blob", len(entries))
	}
}
