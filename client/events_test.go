package parleyclient_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

// events records every server event one client gets.
type events struct {
	msgs     *recorder[protocol.Message]
	streams  *recorder[protocol.StreamEvent]
	typing   *recorder[protocol.TypingEvent]
	presence *recorder[protocol.PresenceEvent]
	members  *recorder[protocol.MemberEvent]
	deleted  *recorder[protocol.DeletedEvent]
}

func newEvents() *events {
	return &events{
		msgs: newRecorder[protocol.Message](), streams: newRecorder[protocol.StreamEvent](),
		typing: newRecorder[protocol.TypingEvent](), presence: newRecorder[protocol.PresenceEvent](),
		members: newRecorder[protocol.MemberEvent](), deleted: newRecorder[protocol.DeletedEvent](),
	}
}

func (e *events) options() parleyclient.Options {
	return parleyclient.Options{
		OnMessage: e.msgs.add, OnStream: e.streams.add, OnTyping: e.typing.add,
		OnPresence: e.presence.add, OnMember: e.members.add, OnDeleted: e.deleted.add,
	}
}

// startModel stands in for an OpenAI-compatible model API: it streams
// chunks as server-sent events, far enough apart for the assistant to
// stream them on (it sends nothing of a reply that is complete at once).
func startModel(t *testing.T, chunks ...string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for i, c := range chunks {
			if i > 0 {
				time.Sleep(80 * time.Millisecond)
			}
			b, _ := json.Marshal(map[string]any{
				"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": "test-model",
				"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": c}, "finish_reason": nil}},
			})
			fmt.Fprintf(w, "data: %s\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func TestHandlersGetTheServersEventsInTheirProtocolShapes(t *testing.T) {
	srv := clienttest.Start(t,
		"PARLEY_LLM_BASE_URL="+startModel(t, "Hello", " there,", " friend."),
		"PARLEY_LLM_MODEL=test-model", "PARLEY_ASSISTANT_RATE=100", "PARLEY_ASSISTANT_BURST=100",
	)
	alice, bob := register(t, srv, "alice"), register(t, srv, "bob")
	ae := newEvents()
	a := dial(t, srv, alice.Token, ae.options())
	b := dial(t, srv, bob.Token, parleyclient.Options{})

	t.Run("presence online", func(t *testing.T) {
		got := ae.presence.first(t, "bob online", func(e protocol.PresenceEvent) bool { return e.User.ID == bob.User.ID })
		if want := (protocol.PresenceEvent{User: human(bob), Online: true}); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("typing", func(t *testing.T) {
		if err := b.Typing(ctx(t), "general", true); err != nil {
			t.Fatal(err)
		}
		got := ae.typing.first(t, "bob typing", func(e protocol.TypingEvent) bool { return e.User.ID == bob.User.ID })
		if want := (protocol.TypingEvent{Room: "general", User: human(bob), Typing: true}); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	var sent protocol.Message
	t.Run("message", func(t *testing.T) {
		var err error
		sent, err = b.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "hi @" + alice.User.Username})
		if err != nil {
			t.Fatal(err)
		}
		got := ae.msgs.first(t, "bob's message", func(m protocol.Message) bool { return m.ID == sent.ID })
		want := protocol.Message{
			ID: sent.ID, Room: "general", Seq: sent.Seq, Rev: sent.Seq, Sender: human(bob), Text: "hi @" + alice.User.Username,
			Mentions: []string{alice.User.Username}, ClientMsgID: sent.ClientMsgID, Reactions: []protocol.Reaction{}, CreatedAt: sent.CreatedAt,
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(sent, want) {
			t.Fatalf("got %+v and ack %+v, want %+v", got, sent, want)
		}
	})

	t.Run("message:deleted", func(t *testing.T) {
		if err := b.DeleteMessage(ctx(t), "general", sent.ID); err != nil {
			t.Fatal(err)
		}
		got := ae.deleted.first(t, "the deletion", func(protocol.DeletedEvent) bool { return true })
		if want := (protocol.DeletedEvent{Room: "general", ID: sent.ID, Seq: sent.Seq}); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("room:member", func(t *testing.T) {
		room, err := a.CreateRoom(ctx(t), "Members", "", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.JoinRoom(ctx(t), room.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.LeaveRoom(ctx(t), room.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.Invite(ctx(t), room.ID, bob.User.Username); err != nil {
			t.Fatal(err)
		}
		if err := a.Kick(ctx(t), room.ID, bob.User.Username); err != nil {
			t.Fatal(err)
		}
		// the assistant joins new rooms too
		bobs := func(es []protocol.MemberEvent) []protocol.MemberEvent {
			var out []protocol.MemberEvent
			for _, e := range es {
				if e.User.ID == bob.User.ID {
					out = append(out, e)
				}
			}
			return out
		}
		got := bobs(ae.members.waitFor(t, "4 member events", func(es []protocol.MemberEvent) bool { return len(bobs(es)) >= 4 }))
		var want []protocol.MemberEvent
		for _, action := range []string{"joined", "left", "joined", "kicked"} {
			want = append(want, protocol.MemberEvent{Room: room.ID, User: human(bob), Action: action})
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("message:stream", func(t *testing.T) {
		if _, err := a.Send(ctx(t), parleyclient.SendRequest{Room: "general", Text: "@assistant say hello"}); err != nil {
			t.Fatal(err)
		}
		final := ae.msgs.first(t, "the bot's reply", func(m protocol.Message) bool { return m.Sender.Kind == parley.KindBot })
		bot := protocol.User{ID: final.Sender.ID, Username: "assistant", DisplayName: "Assistant", Kind: parley.KindBot}
		want := protocol.Message{
			ID: final.ID, Room: "general", Seq: final.Seq, Sender: bot, Text: "@" + alice.User.Username + " Hello there, friend.",
			Mentions: []string{alice.User.Username}, ClientMsgID: final.ClientMsgID, StreamID: final.StreamID,
			Rev: final.Rev, Reactions: []protocol.Reaction{}, CreatedAt: final.CreatedAt,
		}
		if !reflect.DeepEqual(final, want) || final.StreamID == "" || final.ID == "" || final.Rev < final.Seq {
			t.Fatalf("final message: got %+v, want %+v", final, want)
		}
		deltas := ae.streams.all()
		var text strings.Builder
		for i, d := range deltas {
			wantDelta := protocol.StreamEvent{Room: "general", StreamID: final.StreamID, Delta: d.Delta, Done: i == len(deltas)-1}
			if d != wantDelta {
				t.Fatalf("delta %d of %d: got %+v, want %+v", i, len(deltas), d, wantDelta)
			}
			text.WriteString(d.Delta)
		}
		if text.String() != "Hello there, friend." {
			t.Fatalf("deltas %+v spell %q", deltas, text.String())
		}
	})

	t.Run("presence offline", func(t *testing.T) {
		b.Close()
		got := ae.presence.first(t, "bob offline", func(e protocol.PresenceEvent) bool { return !e.Online })
		if want := (protocol.PresenceEvent{User: human(bob), Online: false}); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}
