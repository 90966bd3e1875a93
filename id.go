package parley

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// NewID returns a 128-bit identifier in hex: 48 bits of Unix milliseconds
// then 80 random bits. Time-ordered ids land on the right-hand pages of the
// databases' unique indexes instead of random ones, which more than doubles
// append throughput on SQLite (BenchmarkAppendGroupCommitIDOrder). Callers
// that need deterministic ids in tests inject their own generator instead.
func NewID() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}

// Millis truncates t to the millisecond precision that every backend keeps.
func Millis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
