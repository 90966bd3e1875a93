package storetest

import (
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var backendTests = []test{
	{"Backend/PingAndClose", testPingAndClose},
}

func testPingAndClose(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	must(t, s.Backend.Ping(ctx(t)))
	must(t, s.Backend.Close())
	if err := s.Backend.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	wantCode(t, s.Backend.Ping(ctx(t)), parley.CodeUnavailable)
	_, err := s.Users.ByID(ctx(t), u.ID)
	wantCode(t, err, parley.CodeUnavailable)
	_, err = s.Messages.Append(ctx(t), []parley.Message{{ID: parley.NewID(), RoomID: "general", SenderID: u.ID, Text: "late"}})
	wantCode(t, err, parley.CodeUnavailable)
}
