package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// secretFile holds the generated signing key inside the data dir.
const secretFile = "jwt_secret"

// loadOrCreateSecret returns the configured secret, or the one generated
// into dataDir on first start (0600). O_EXCL makes two nodes that share a
// data dir agree on one key.
func loadOrCreateSecret(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, secretFile)
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("%s is empty: delete it or set PARLEY_JWT_SECRET", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read jwt secret: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("generate jwt secret: %w", err)
	}
	secret := hex.EncodeToString(raw[:])
	// Written whole to a temporary file, then linked into place: link fails
	// if another node got there first, and nobody ever reads a half file.
	tmp, err := os.CreateTemp(dataDir, secretFile+".*")
	if err != nil {
		return nil, fmt.Errorf("create jwt secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create jwt secret: %w", err)
	}
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write jwt secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write jwt secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return loadOrCreateSecret("", dataDir)
	} else if err != nil {
		return nil, fmt.Errorf("install jwt secret: %w", err)
	}
	return []byte(secret), nil
}
