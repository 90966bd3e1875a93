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

// minSecretBytes is the shortest signing key accepted: HMAC-SHA256 keys
// shorter than its 32-byte output can be guessed offline from any token,
// and a guessed key mints tokens for every user, the bot and the services.
const minSecretBytes = 32

// loadOrCreateSecret returns the configured secret, or the one generated
// into dataDir on first start (0600). O_EXCL makes two nodes that share a
// data dir agree on one key. A key under minSecretBytes is refused, from
// either place; the errors never quote the key.
func loadOrCreateSecret(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		if len(configured) < minSecretBytes {
			return nil, fmt.Errorf("PARLEY_JWT_SECRET is %d bytes, want %d or more: generate one with `openssl rand -base64 48`, or unset it to have one generated into the data dir",
				len(configured), minSecretBytes)
		}
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, secretFile)
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if s == "" {
			return nil, fmt.Errorf("%s is empty: delete it or set PARLEY_JWT_SECRET", path)
		}
		if len(s) < minSecretBytes {
			return nil, fmt.Errorf("%s holds a %d-byte key, want %d or more: delete it (a new one is generated) or set PARLEY_JWT_SECRET",
				path, len(s), minSecretBytes)
		}
		return []byte(s), nil
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
