package sqlite_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/store/sqlite"
)

// The embedded store keeps blobs in "files" beside the database unless
// told otherwise.
func TestBlobsLiveBesideTheDatabase(t *testing.T) {
	for _, c := range []struct{ name, filesDir, want string }{
		{"default", "", "files"},
		{"configured", "elsewhere/uploads", "elsewhere/uploads"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := sqlite.Config{Path: filepath.Join(dir, "parley.db")}
			if c.filesDir != "" {
				cfg.FilesDir = filepath.Join(dir, c.filesDir)
			}
			s, err := sqlite.Open(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Backend.Close()
			if _, err := s.Blobs.Put(t.Context(), "k1", strings.NewReader("bytes")); err != nil {
				t.Fatal(err)
			}
			found := ""
			_ = filepath.WalkDir(filepath.Join(dir, c.want), func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Name() == "k1" {
					found = p
				}
				return nil
			})
			if found == "" {
				t.Fatalf("no blob k1 under %s", c.want)
			}
			b, err := s.Blobs.Open(t.Context(), "k1")
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if got, _ := io.ReadAll(b); string(got) != "bytes" {
				t.Fatalf("blob reads %q", got)
			}
		})
	}
}
