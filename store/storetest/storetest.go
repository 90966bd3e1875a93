// Package storetest is the behaviour every store backend must share, as
// executable tests. A backend's own test calls Run with a factory for fresh,
// empty stores:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *store.Store { ... })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Factory returns a new, empty store and arranges (t.Cleanup) to close it.
type Factory func(t *testing.T) *store.Store

type test struct {
	name string
	fn   func(t *testing.T, s *store.Store)
}

// Run runs every contract test as a subtest, each on a fresh store.
func Run(t *testing.T, newStore Factory) {
	var tests []test
	tests = append(tests, userTests...)
	tests = append(tests, peopleTests...)
	tests = append(tests, userAdminTests...)
	tests = append(tests, roomTests...)
	tests = append(tests, membershipTests...)
	tests = append(tests, roomAdminTests...)
	tests = append(tests, messageTests...)
	tests = append(tests, editTests...)
	tests = append(tests, threadTests...)
	tests = append(tests, concurrencyTests...)
	tests = append(tests, backendTests...)
	tests = append(tests, assistantTests...)
	tests = append(tests, revocationTests...)
	tests = append(tests, notificationTests...)
	tests = append(tests, searchTests...)
	tests = append(tests, fileTests...)
	tests = append(tests, attachmentTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// ctx bounds each test's store calls so a deadlocked backend fails the test
// instead of hanging the run.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantCode checks err carries code want as one of store's typed errors:
// a backend says what went wrong with ErrNotFound, ErrConflict... and
// leaves the wording users read to the services above it.
func wantCode(t *testing.T, err error, want parley.Code) {
	t.Helper()
	if got := parley.CodeOf(err); got != want {
		t.Fatalf("error %v: code %q, want %q", err, got, want)
	}
	typed := map[parley.Code]*parley.Error{
		parley.CodeNotFound: store.ErrNotFound, parley.CodeConflict: store.ErrConflict,
		parley.CodeBadRequest: store.ErrInvalid, parley.CodeUnavailable: store.ErrUnavailable,
	}[want]
	if typed != nil && !errors.Is(err, typed) {
		t.Fatalf("error %v: code %q but not store's typed error for it", err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// baseTime is a fixed, millisecond-precise instant, so stored times can be
// compared exactly.
var baseTime = time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)

func newUser(t *testing.T, s *store.Store, username string) parley.User {
	t.Helper()
	u := parley.User{
		ID:           parley.NewID(),
		Username:     username,
		DisplayName:  "The " + username,
		Kind:         parley.KindHuman,
		PasswordHash: "hash-of-" + username,
		CreatedAt:    baseTime,
	}
	must(t, s.Users.Create(ctx(t), &u))
	return u
}

func newRoom(t *testing.T, s *store.Store, name string, owner parley.User, private bool) parley.Room {
	t.Helper()
	r := parley.Room{
		ID:        parley.NewID(),
		Name:      name,
		Topic:     "about " + name,
		Kind:      parley.RoomGroup,
		Private:   private,
		CreatedAt: baseTime,
	}
	must(t, s.Rooms.Create(ctx(t), &r, owner.ID))
	return r
}

func join(t *testing.T, s *store.Store, r parley.Room, u parley.User) {
	t.Helper()
	added, err := s.Memberships.Add(ctx(t), parley.Membership{
		RoomID: r.ID, UserID: u.ID, Role: parley.RoleMember, JoinedAt: baseTime,
	})
	must(t, err)
	if !added {
		t.Fatalf("%s was already a member of %s", u.Username, r.Name)
	}
}

func newMsg(r parley.Room, sender parley.User, text, clientMsgID string) parley.Message {
	return parley.Message{
		ID:          parley.NewID(),
		RoomID:      r.ID,
		SenderID:    sender.ID,
		Text:        text,
		Mentions:    []string{},
		ClientMsgID: clientMsgID,
		CreatedAt:   baseTime,
	}
}

// appendOK appends msgs as one batch and fails on any error, per message
// or not.
func appendOK(t *testing.T, s *store.Store, msgs ...parley.Message) []store.AppendResult {
	t.Helper()
	res, err := s.Messages.Append(ctx(t), msgs)
	must(t, err)
	if len(res) != len(msgs) {
		t.Fatalf("Append returned %d results for %d messages", len(res), len(msgs))
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("message %d: %v", i, r.Err)
		}
	}
	return res
}

// appendN appends n messages one batch each and returns them as stored.
func appendN(t *testing.T, s *store.Store, r parley.Room, sender parley.User, n int) []parley.Message {
	t.Helper()
	out := make([]parley.Message, 0, n)
	for i := range n {
		res := appendOK(t, s, newMsg(r, sender, fmt.Sprintf("message %d", i+1), fmt.Sprintf("c%d", i+1)))
		out = append(out, res[0].Message)
	}
	return out
}

// wantSeqs checks that msgs carry exactly the seqs from..to in order.
func wantSeqs(t *testing.T, msgs []parley.Message, from, to int64) {
	t.Helper()
	if want := int(to - from + 1); len(msgs) != max(want, 0) {
		t.Fatalf("got %d messages (%v), want seqs %d..%d", len(msgs), seqsOf(msgs), from, to)
	}
	for i, m := range msgs {
		if m.Seq != from+int64(i) {
			t.Fatalf("got seqs %v, want %d..%d", seqsOf(msgs), from, to)
		}
	}
}

func seqsOf(msgs []parley.Message) []int64 {
	s := make([]int64, len(msgs))
	for i, m := range msgs {
		s[i] = m.Seq
	}
	return s
}

func lastRev(t *testing.T, s *store.Store, roomID string) int64 {
	t.Helper()
	r, err := s.Rooms.ByID(ctx(t), roomID)
	must(t, err)
	return r.LastRev
}

func lastSeq(t *testing.T, s *store.Store, roomID string) int64 {
	t.Helper()
	r, err := s.Rooms.ByID(ctx(t), roomID)
	must(t, err)
	return r.LastSeq
}
