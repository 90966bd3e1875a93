package parleyclient_test

import (
	"reflect"
	"testing"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

func TestEditReactReplyAndThread(t *testing.T) {
	srv := clienttest.Start(t)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	a := dial(t, srv, alice.Token, parleyclient.Options{})
	b := dial(t, srv, bob.Token, parleyclient.Options{})

	root, err := a.Send(ctx(t), parleyclient.SendRequest{Room: parley.DefaultRoomID, Text: "deploy at 5?"})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := a.Edit(ctx(t), parley.DefaultRoomID, root.ID, "deploy at 6?")
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "deploy at 6?" || edited.EditedAt == nil || edited.Rev <= root.Rev || edited.ID != root.ID {
		t.Fatalf("Edit = %+v", edited)
	}
	_, err = b.Edit(ctx(t), parley.DefaultRoomID, root.ID, "mine now")
	wantCode(t, err, parley.CodeForbidden)

	reacted, err := b.React(ctx(t), parley.DefaultRoomID, root.ID, "👍", true)
	if err != nil {
		t.Fatal(err)
	}
	want := []protocol.Reaction{{Emoji: "👍", Count: 1, Users: []string{bob.User.Username}, Me: true}}
	if !reflect.DeepEqual(reacted.Reactions, want) {
		t.Fatalf("React = %+v, want %+v", reacted.Reactions, want)
	}
	unreacted, err := b.React(ctx(t), parley.DefaultRoomID, root.ID, "👍", false)
	if err != nil || len(unreacted.Reactions) != 0 {
		t.Fatalf("React(remove) = %+v, %v", unreacted.Reactions, err)
	}
	_, err = b.React(ctx(t), parley.DefaultRoomID, root.ID, "not an emoji", true)
	wantCode(t, err, parley.CodeBadRequest)

	reply, err := b.Send(ctx(t), parleyclient.SendRequest{Room: parley.DefaultRoomID, Text: "fine by me", ReplyTo: root.ID})
	if err != nil {
		t.Fatal(err)
	}
	quote := &protocol.Quote{ID: root.ID, Seq: root.Seq, Sender: root.Sender, Text: "deploy at 6?"}
	if !reflect.DeepEqual(reply.ReplyTo, quote) {
		t.Fatalf("reply quotes %+v, want %+v", reply.ReplyTo, quote)
	}
	th, err := a.Thread(ctx(t), parley.DefaultRoomID, root.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if th.Root.ID != root.ID || th.Root.Text != "deploy at 6?" || len(th.Replies) != 1 || !reflect.DeepEqual(th.Replies[0], reply) || th.HasMore {
		t.Fatalf("Thread = %+v, want the root and the one reply %+v", th, reply)
	}
	_, err = a.Thread(ctx(t), parley.DefaultRoomID, "nope", 0, 0)
	wantCode(t, err, parley.CodeNotFound)
}
