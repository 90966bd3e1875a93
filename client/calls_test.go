package parleyclient_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

// wantCode fails unless err is an *Error with code.
func wantCode(t *testing.T, err error, code parley.Code) {
	t.Helper()
	var perr *parleyclient.Error
	if !errors.As(err, &perr) || perr.Code != code || perr.Message == "" {
		t.Fatalf("got %v, want an *Error with code %s and a message", err, code)
	}
}

func human(s parleyclient.Session) protocol.User {
	return protocol.User{ID: s.User.ID, Username: s.User.Username, DisplayName: s.User.Username, Kind: parley.KindHuman}
}

// Every call once with success and once with the error the server gives.
func TestEveryCallSucceedsAndFailsWithTheServersCode(t *testing.T) {
	srv := clienttest.Start(t)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	a := dial(t, srv, alice.Token, parleyclient.Options{})
	b := dial(t, srv, bob.Token, parleyclient.Options{})

	// alice owns a public room and a private one
	pub, err := a.CreateRoom(ctx(t), "Lounge", "for tests", false)
	if err != nil {
		t.Fatal(err)
	}
	wantRoom := protocol.Room{ID: pub.ID, Name: "Lounge", Topic: "for tests", Kind: parley.RoomGroup, CreatedAt: pub.CreatedAt, Role: parley.RoleOwner}
	if pub != wantRoom || pub.ID == "" || time.Since(pub.CreatedAt.Time()) > time.Minute {
		t.Fatalf("CreateRoom: got %+v, want %+v", pub, wantRoom)
	}
	priv, err := a.CreateRoom(ctx(t), "Backstage", "", true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.CreateRoom(ctx(t), "  ", "", false)
	wantCode(t, err, parley.CodeBadRequest)

	t.Run("JoinRoom", func(t *testing.T) {
		j, err := b.JoinRoom(ctx(t), pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := pub
		want.Role = parley.RoleMember
		if j.Room != want {
			t.Fatalf("room: got %+v, want %+v", j.Room, want)
		}
		// every group room has the assistant, offline as it has no socket
		online, offline := true, false
		var botID string
		for _, u := range j.Members {
			if u.Username == "assistant" {
				botID = u.ID
			}
		}
		bot := protocol.User{ID: botID, Username: "assistant", DisplayName: "Assistant", Kind: parley.KindBot, Online: &offline, Role: parley.RoleMember}
		wantMembers := []protocol.User{human(alice), human(bob), bot}
		wantMembers[0].Online, wantMembers[1].Online = &online, &online
		wantMembers[0].Role, wantMembers[1].Role = parley.RoleOwner, parley.RoleMember
		sortUsers(j.Members)
		sortUsers(wantMembers)
		if !reflect.DeepEqual(j.Members, wantMembers) {
			t.Fatalf("members: got %+v, want %+v", j.Members, wantMembers)
		}
		_, err = b.JoinRoom(ctx(t), priv.ID)
		wantCode(t, err, parley.CodeNotFound) // private rooms are invisible
	})

	t.Run("Send", func(t *testing.T) {
		m, err := a.Send(ctx(t), parleyclient.SendRequest{Room: pub.ID, Text: "  hello @" + bob.User.Username + "  "})
		if err != nil {
			t.Fatal(err)
		}
		want := protocol.Message{
			ID: m.ID, Room: pub.ID, Seq: 1, Rev: 1, Sender: human(alice), Text: "hello @" + bob.User.Username,
			Mentions: []string{bob.User.Username}, ClientMsgID: m.ClientMsgID, Reactions: []protocol.Reaction{}, CreatedAt: m.CreatedAt,
		}
		if !reflect.DeepEqual(m, want) || m.ID == "" || m.ClientMsgID == "" {
			t.Fatalf("got %+v, want %+v", m, want)
		}
		again, err := a.Send(ctx(t), parleyclient.SendRequest{Room: pub.ID, Text: "hello again", ClientMsgID: m.ClientMsgID})
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("the same clientMsgId again: got %+v, %v; want the original %+v", again, err, m)
		}
		_, err = a.Send(ctx(t), parleyclient.SendRequest{Room: pub.ID, Text: "   "})
		wantCode(t, err, parley.CodeBadRequest)
	})

	t.Run("History", func(t *testing.T) {
		for _, text := range []string{"two", "three"} {
			if _, err := a.Send(ctx(t), parleyclient.SendRequest{Room: pub.ID, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		p, err := b.History(ctx(t), pub.ID, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !p.HasMore || len(p.Messages) != 2 || p.Messages[0].Seq != 2 || p.Messages[1].Text != "three" {
			t.Fatalf("newest two: got %+v", p)
		}
		p, err = b.History(ctx(t), pub.ID, 2, 0)
		if err != nil || p.HasMore || len(p.Messages) != 1 || p.Messages[0].Seq != 1 {
			t.Fatalf("before 2: got %+v, %v", p, err)
		}
		_, err = b.History(ctx(t), pub.ID, -1, 0)
		wantCode(t, err, parley.CodeBadRequest)
	})

	t.Run("Sync", func(t *testing.T) {
		pages, err := b.Sync(ctx(t), map[string]int64{pub.ID: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := pages[pub.ID]
		if got.HasMore || len(got.Messages) != 2 || got.Messages[0].Seq != 2 || got.Messages[1].Seq != 3 {
			t.Fatalf("after 1: got %+v", got)
		}
		if _, ok := pages["general"]; !ok {
			t.Fatalf("general (no cursor) is missing: %+v", pages)
		}
		_, err = b.Sync(ctx(t), map[string]int64{pub.ID: -1})
		wantCode(t, err, parley.CodeBadRequest)
	})

	t.Run("Read", func(t *testing.T) {
		seq, err := b.Read(ctx(t), pub.ID, 3)
		if err != nil || seq != 3 {
			t.Fatalf("got %d, %v; want 3", seq, err)
		}
		if seq, err := b.Read(ctx(t), pub.ID, 1); err != nil || seq != 3 {
			t.Fatalf("backwards: got %d, %v; want it to stay at 3", seq, err)
		}
		_, err = b.Read(ctx(t), priv.ID, 1)
		wantCode(t, err, parley.CodeNotFound)
	})

	t.Run("Typing", func(t *testing.T) {
		if err := b.Typing(ctx(t), pub.ID, true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, b.Typing(ctx(t), priv.ID, true), parley.CodeNotFound)
	})

	t.Run("OpenDM", func(t *testing.T) {
		dm, err := a.OpenDM(ctx(t), bob.User.Username)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{alice.User.Username, bob.User.Username}
		slices.Sort(names)
		want := protocol.Room{ID: dm.ID, Name: names[0] + "," + names[1], Kind: parley.RoomDirect, Private: true, CreatedAt: dm.CreatedAt, Role: parley.RoleMember}
		if dm != want || dm.ID == "" {
			t.Fatalf("got %+v, want %+v", dm, want)
		}
		same, err := b.OpenDM(ctx(t), alice.User.Username)
		if err != nil || same.ID != dm.ID {
			t.Fatalf("from the other side: got %+v, %v; want room %s", same, err, dm.ID)
		}
		_, err = a.OpenDM(ctx(t), alice.User.Username)
		wantCode(t, err, parley.CodeBadRequest)
		_, err = a.OpenDM(ctx(t), uniqueName("ghost"))
		wantCode(t, err, parley.CodeNotFound)
	})

	t.Run("Invite", func(t *testing.T) {
		if err := a.Invite(ctx(t), priv.ID, bob.User.Username); err != nil {
			t.Fatal(err)
		}
		if _, err := b.History(ctx(t), priv.ID, 0, 0); err != nil {
			t.Fatalf("bob should be in the private room now: %v", err)
		}
		wantCode(t, b.Invite(ctx(t), priv.ID, alice.User.Username), parley.CodeForbidden)
	})

	t.Run("Kick", func(t *testing.T) {
		wantCode(t, b.Kick(ctx(t), priv.ID, alice.User.Username), parley.CodeForbidden)
		if err := a.Kick(ctx(t), priv.ID, bob.User.Username); err != nil {
			t.Fatal(err)
		}
		_, err := b.History(ctx(t), priv.ID, 0, 0)
		wantCode(t, err, parley.CodeNotFound)
	})

	t.Run("LeaveRoom", func(t *testing.T) {
		if err := b.LeaveRoom(ctx(t), pub.ID); err != nil {
			t.Fatal(err)
		}
		_, err := b.History(ctx(t), pub.ID, 0, 0)
		wantCode(t, err, parley.CodeForbidden) // public, no longer joined
		dm, err := b.OpenDM(ctx(t), alice.User.Username)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, b.LeaveRoom(ctx(t), dm.ID), parley.CodeBadRequest)
	})

	t.Run("DeleteMessage", func(t *testing.T) {
		m, err := a.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "oops"})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, b.DeleteMessage(ctx(t), "general", m.ID), parley.CodeForbidden)
		if err := a.DeleteMessage(ctx(t), "general", m.ID); err != nil {
			t.Fatal(err)
		}
		p, err := a.History(ctx(t), "general", m.Seq+1, 1)
		if err != nil || len(p.Messages) != 1 || !p.Messages[0].Deleted || p.Messages[0].Seq != m.Seq || p.Messages[0].Text != "" {
			t.Fatalf("want a tombstone with the same seq, got %+v, %v", p, err)
		}
		wantCode(t, a.DeleteMessage(ctx(t), "general", "no-such-id"), parley.CodeNotFound)
	})
}

func TestCallsHonourTheirDeadlineAndAClosedClient(t *testing.T) {
	srv := clienttest.Start(t)
	alice := register(t, srv, "alice")
	a := dial(t, srv, alice.Token, parleyclient.Options{})
	srv.Stop()

	c, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.Send(c, parleyclient.SendRequest{Room: "general", Text: "into the void"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %v, want a deadline error at the deadline", err, time.Since(start))
	}
	a.Close()
	if _, err := a.JoinRoom(ctx(t), "general"); !errors.Is(err, parleyclient.ErrClosed) {
		t.Fatalf("after Close: got %v, want ErrClosed", err)
	}
}

func sortUsers(us []protocol.User) {
	slices.SortFunc(us, func(a, b protocol.User) int { return strings.Compare(a.Username, b.Username) })
}
