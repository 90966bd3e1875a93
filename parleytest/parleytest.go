// Package parleytest holds the fixtures Parley's tests share: a fresh
// store seeded as a node seeds it, a recording rooms.Emitter, a settable
// clock, and a whole node booted on 127.0.0.1:0.
package parleytest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/sqlite"
)

// Store opens a fresh SQLite store in t's temporary directory, closed
// when t ends (after the cleanups registered later, such as a hub's).
func Store(t testing.TB) *store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Backend.Close() })
	return st
}

// Seed creates what a node creates at its first start: the system
// account and the default room it owns. It returns the system account.
func Seed(t testing.TB, st *store.Store) parley.User {
	t.Helper()
	ctx := context.Background()
	sys := accounts.System()
	if err := st.Users.Create(ctx, &sys); err != nil {
		t.Fatalf("create the system account: %v", err)
	}
	general := &parley.Room{ID: parley.DefaultRoomID, Name: "general", Kind: parley.RoomGroup, OwnerID: sys.ID, CreatedAt: sys.CreatedAt}
	if err := st.Rooms.Create(ctx, general, sys.ID); err != nil {
		t.Fatalf("create the default room: %v", err)
	}
	return sys
}
