package rooms_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

func TestEditMessage(t *testing.T) {
	f := newHub(t, nil)
	alice, bob, carol := f.user("alice"), f.user("bob"), f.user("carol")
	var mu sync.Mutex
	var seen []rooms.Posted
	f.hub.OnMessage(func(p rooms.Posted) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	})
	m := f.mustSend(alice, parley.DefaultRoomID, "hi @bob")
	f.rec.Reset()
	f.clk.Add(time.Minute)

	got, err := f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, m.ID, "  hi @bob and @carol, badword  ")
	if err != nil {
		t.Fatal(err)
	}
	edited := protocol.Time(f.clk.Now())
	want := m
	want.Text, want.Mentions, want.Rev, want.EditedAt = "hi @bob and @carol, badword", []string{"bob", "carol"}, m.Rev+1, &edited
	if masked, _ := rooms.DefaultFilter().Mask(want.Text); masked != want.Text {
		want.Text = masked
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("edit ack = %+v, want %+v", got, want)
	}
	if ups := f.rec.Payloads(protocol.EventUpdated); len(ups) != 1 || !reflect.DeepEqual(ups[0], want) {
		t.Fatalf("message:updated = %+v, want one %+v", ups, want)
	}
	if h := f.history(bob, parley.DefaultRoomID); len(h) != 1 || !reflect.DeepEqual(h[0], want) {
		t.Fatalf("history after the edit = %+v", h)
	}
	// Observers hear of carol only: bob was mentioned before.
	mu.Lock()
	if len(seen) != 2 || !seen[1].Edited || !slices.Equal(seen[1].Message.Mentions, []string{"carol"}) || seen[1].Message.ID != m.ID {
		t.Fatalf("observers saw %+v, want the send then the edit adding carol", seen)
	}
	mu.Unlock()
	// An edit that mentions nobody new tells nobody.
	if _, err := f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, m.ID, "hi @carol"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(seen) != 2 {
		t.Fatalf("an edit without new mentions reached observers: %+v", seen[2:])
	}
	mu.Unlock()

	_, err = f.hub.EditMessage(f.ctx, bob, parley.DefaultRoomID, m.ID, "not mine")
	wantCode(t, err, parley.CodeForbidden)
	_, err = f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, m.ID, "   ")
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, "nope", "x")
	wantCode(t, err, parley.CodeNotFound)
	private := f.room(alice, "secret", true)
	_, err = f.hub.EditMessage(f.ctx, carol, private.ID, m.ID, "x")
	wantCode(t, err, parley.CodeNotFound)
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, m.ID, "back")
	wantCode(t, err, parley.CodeNotFound)
}

func TestReactions(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	m := f.mustSend(alice, parley.DefaultRoomID, "ship it")
	f.rec.Reset()

	got, err := f.hub.React(f.ctx, bob, parley.DefaultRoomID, m.ID, "👍", true)
	if err != nil {
		t.Fatal(err)
	}
	want := []protocol.Reaction{{Emoji: "👍", Count: 1, Users: []string{"bob"}, Me: true}}
	if !reflect.DeepEqual(got.Reactions, want) || got.Rev != m.Rev+1 {
		t.Fatalf("bob's ack reactions = %+v at rev %d, want %+v at rev %d", got.Reactions, got.Rev, want, m.Rev+1)
	}
	ups := f.rec.Payloads(protocol.EventUpdated)
	if len(ups) != 1 || !reflect.DeepEqual(ups[0].(protocol.Message).Reactions, []protocol.Reaction{{Emoji: "👍", Count: 1, Users: []string{"bob"}}}) {
		t.Fatalf("broadcast = %+v, want the reaction with me false", ups)
	}
	got, err = f.hub.React(f.ctx, alice, parley.DefaultRoomID, m.ID, ":tada:", true)
	if err != nil {
		t.Fatal(err)
	}
	want = []protocol.Reaction{{Emoji: "👍", Count: 1, Users: []string{"bob"}}, {Emoji: ":tada:", Count: 1, Users: []string{"alice"}, Me: true}}
	if !reflect.DeepEqual(got.Reactions, want) {
		t.Fatalf("alice's ack reactions = %+v, want %+v", got.Reactions, want)
	}
	// Again: ok, unchanged, nothing broadcast.
	f.rec.Reset()
	again, err := f.hub.React(f.ctx, alice, parley.DefaultRoomID, m.ID, ":tada:", true)
	if err != nil || !reflect.DeepEqual(again, got) || len(f.rec.Emits(protocol.EventUpdated)) != 0 {
		t.Fatalf("repeated reaction = %+v, %v, %d broadcasts; want the same message and none", again, err, len(f.rec.Emits(protocol.EventUpdated)))
	}
	got, err = f.hub.React(f.ctx, bob, parley.DefaultRoomID, m.ID, "👍", false)
	if err != nil || !reflect.DeepEqual(got.Reactions, []protocol.Reaction{{Emoji: ":tada:", Count: 1, Users: []string{"alice"}}}) {
		t.Fatalf("after bob takes his back: %+v, %v", got.Reactions, err)
	}
	for _, bad := range []string{"", "thumbs", ":Thumbs:", "👍 ", "<b>", ":" + string(make([]byte, 40)) + ":", "a👍"} {
		_, err := f.hub.React(f.ctx, bob, parley.DefaultRoomID, m.ID, bad, true)
		wantCode(t, err, parley.CodeBadRequest)
	}
	for _, ok := range []string{"❤️", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", ":+1:", ":white_check_mark:"} {
		if _, err := f.hub.React(f.ctx, bob, parley.DefaultRoomID, m.ID, ok, true); err != nil {
			t.Errorf("React(%q): %v", ok, err)
		}
	}
	_, err = f.hub.React(f.ctx, bob, parley.DefaultRoomID, "nope", "👍", true)
	wantCode(t, err, parley.CodeNotFound)
	long := strings.Repeat("x", 129)
	_, err = f.hub.React(f.ctx, bob, parley.DefaultRoomID, long, "👍", true)
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "re", ClientMsgID: "long", ReplyTo: long}, nil)
	wantCode(t, err, parley.CodeBadRequest)
}

func TestReactionKindsAreBounded(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	m := f.mustSend(alice, parley.DefaultRoomID, "vote")
	for i := range parley.MaxReactionKinds {
		if _, err := f.hub.React(f.ctx, alice, parley.DefaultRoomID, m.ID, fmt.Sprintf(":e%d:", i), true); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.hub.React(f.ctx, alice, parley.DefaultRoomID, m.ID, ":one-more:", true)
	want := fmt.Sprintf("a message takes at most %d different reactions", parley.MaxReactionKinds)
	if perr, ok := err.(*parley.Error); !ok || perr.Code != parley.CodeBadRequest || perr.Message != want {
		t.Fatalf("the 21st emoji = %v, want BAD_REQUEST %q", err, want)
	}
}

func TestDeleteBroadcastsTheTombstone(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	m := f.mustSend(alice, parley.DefaultRoomID, "oops")
	if _, err := f.hub.React(f.ctx, bob, parley.DefaultRoomID, m.ID, "👀", true); err != nil {
		t.Fatal(err)
	}
	f.rec.Reset()
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, m.ID); err != nil {
		t.Fatal(err)
	}
	tomb := m
	tomb.Text, tomb.Mentions, tomb.Deleted, tomb.Rev = "", []string{}, true, m.Rev+2
	if got := f.rec.Kinds(); !reflect.DeepEqual(got, []string{"emit:" + protocol.EventDeleted, "emit:" + protocol.EventUpdated}) {
		t.Fatalf("a delete emitted %v, want message:deleted then message:updated", got)
	}
	if ups := f.rec.Payloads(protocol.EventUpdated); !reflect.DeepEqual(ups[0], tomb) {
		t.Fatalf("message:updated = %+v, want the tombstone %+v", ups[0], tomb)
	}
}

// Changes cut by the answer's byte bound resume from the last one sent.
func TestSyncChangesCutByBytes(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.MaxAnswerBytes = 600 })
	alice := f.user("alice")
	var sent []protocol.Message
	for i := range 4 {
		sent = append(sent, f.mustSend(alice, parley.DefaultRoomID, fmt.Sprintf("message %d %s", i, strings.Repeat("x", 200))))
	}
	base := sent[3].Rev
	for _, m := range sent {
		if _, err := f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, m.ID, m.Text+"!"); err != nil {
			t.Fatal(err)
		}
	}
	cursors := map[string]int64{parley.DefaultRoomID: sent[3].Seq}
	revs := map[string]int64{parley.DefaultRoomID: base}
	var got []int64
	answers := 0
	for range 10 {
		out, err := f.hub.Sync(f.ctx, alice, cursors, revs)
		if err != nil {
			t.Fatal(err)
		}
		answers++
		r := out[parley.DefaultRoomID]
		got = append(got, seqs(r.Changes)...)
		revs[parley.DefaultRoomID] = r.Rev
		if !r.HasMore {
			break
		}
	}
	if !slices.Equal(got, []int64{1, 2, 3, 4}) || answers < 2 || revs[parley.DefaultRoomID] != base+4 {
		t.Fatalf("changes over %d answers = %v ending at rev %d, want seqs 1..4 over several, ending at rev %d", answers, got, revs[parley.DefaultRoomID], base+4)
	}
}

func TestReplyAndThread(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	root := f.mustSend(alice, parley.DefaultRoomID, "who is on call?")
	f.rec.Reset()
	reply, err := f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "me", ClientMsgID: "r1", ReplyTo: root.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	quote := &protocol.Quote{ID: root.ID, Seq: root.Seq, Sender: root.Sender, Text: root.Text}
	if !reflect.DeepEqual(reply.ReplyTo, quote) {
		t.Fatalf("reply's quote = %+v, want %+v", reply.ReplyTo, quote)
	}
	if msgs := f.rec.Payloads(protocol.EventMessage); len(msgs) != 1 || !reflect.DeepEqual(msgs[0], reply) {
		t.Fatalf("broadcast = %+v, want the reply with its quote", msgs)
	}
	f.mustSend(alice, parley.DefaultRoomID, "unrelated")
	second, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "thanks", ClientMsgID: "r2", ReplyTo: root.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	th, err := f.hub.Thread(f.ctx, bob, parley.DefaultRoomID, root.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(th, protocol.Thread{Root: root, Replies: []protocol.Message{reply, second}}) {
		t.Fatalf("thread = %+v", th)
	}
	th, err = f.hub.Thread(f.ctx, bob, parley.DefaultRoomID, root.ID, reply.Seq, 1)
	if err != nil || len(th.Replies) != 1 || th.Replies[0].ID != second.ID || th.HasMore {
		t.Fatalf("thread after the first reply = %+v, %v", th, err)
	}
	// History shows the quote too, and a deleted original is quoted empty.
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, root.ID); err != nil {
		t.Fatal(err)
	}
	h := f.history(bob, parley.DefaultRoomID)
	gone := &protocol.Quote{ID: root.ID, Seq: root.Seq, Sender: root.Sender, Deleted: true}
	if !reflect.DeepEqual(h[1].ReplyTo, gone) {
		t.Fatalf("quote of a deleted message in history = %+v, want %+v", h[1].ReplyTo, gone)
	}
	_, err = f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "late", ClientMsgID: "r3", ReplyTo: root.ID}, nil)
	wantCode(t, err, parley.CodeNotFound)
	_, err = f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "?", ClientMsgID: "r4", ReplyTo: "nope"}, nil)
	wantCode(t, err, parley.CodeNotFound)
	elsewhere := f.room(alice, "elsewhere", false)
	_, err = f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: elsewhere.ID, Text: "?", ClientMsgID: "r5", ReplyTo: reply.ID}, nil)
	wantCode(t, err, parley.CodeNotFound)
	_, err = f.hub.Thread(f.ctx, bob, parley.DefaultRoomID, "nope", 0, 0)
	wantCode(t, err, parley.CodeNotFound)
}

func TestQuoteIsCut(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	long := string(slices.Repeat([]rune("é"), 300))
	root := f.mustSend(alice, parley.DefaultRoomID, long)
	reply, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "tl;dr", ClientMsgID: "r", ReplyTo: root.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(slices.Repeat([]rune("é"), protocol.MaxQuoteRunes-1)) + "…"; reply.ReplyTo.Text != want {
		t.Fatalf("quote of 300 runes = %d runes, want %d ending in …", len([]rune(reply.ReplyTo.Text)), protocol.MaxQuoteRunes)
	}
}

// A client that was away during an edit, a reaction and a delete gets
// them from one sync, with the new message, and nothing again after.
func TestSyncChanges(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	var sent []protocol.Message
	for _, text := range []string{"one", "two", "three", "four"} {
		sent = append(sent, f.mustSend(alice, parley.DefaultRoomID, text))
	}
	first, err := f.hub.Sync(f.ctx, bob, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	room := first[parley.DefaultRoomID]
	if len(room.Messages) != 4 || len(room.Changes) != 0 || room.Rev != sent[3].Rev {
		t.Fatalf("first sync = %+v, want 4 messages, no changes, rev %d", room, sent[3].Rev)
	}
	cursors := map[string]int64{parley.DefaultRoomID: sent[3].Seq}
	revs := map[string]int64{parley.DefaultRoomID: room.Rev}

	edited, err := f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, sent[0].ID, "one!")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.hub.React(f.ctx, alice, parley.DefaultRoomID, sent[2].ID, "👍", true); err != nil {
		t.Fatal(err)
	}
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, sent[1].ID); err != nil {
		t.Fatal(err)
	}
	fresh := f.mustSend(alice, parley.DefaultRoomID, "five")

	got, err := f.hub.Sync(f.ctx, bob, cursors, revs)
	if err != nil {
		t.Fatal(err)
	}
	room = got[parley.DefaultRoomID]
	h := f.history(bob, parley.DefaultRoomID)           // the current state, as bob reads it
	wantChanges := []protocol.Message{h[0], h[2], h[1]} // by rev: edit, reaction, delete
	if !reflect.DeepEqual(room.Changes, wantChanges) || !reflect.DeepEqual(room.Messages, []protocol.Message{fresh}) ||
		room.Rev != fresh.Rev || room.HasMore {
		t.Fatalf("sync after the changes = %+v\nwant changes %+v, messages [%+v], rev %d", room, wantChanges, fresh, fresh.Rev)
	}
	if room.Changes[0].Text != edited.Text || !room.Changes[2].Deleted || room.Changes[1].Reactions[0].Count != 1 {
		t.Fatalf("changes do not carry the current state: %+v", room.Changes)
	}
	cursors[parley.DefaultRoomID], revs[parley.DefaultRoomID] = fresh.Seq, room.Rev
	again, err := f.hub.Sync(f.ctx, bob, cursors, revs)
	if err != nil {
		t.Fatal(err)
	}
	if r := again[parley.DefaultRoomID]; len(r.Changes) != 0 || len(r.Messages) != 0 || r.Rev != fresh.Rev {
		t.Fatalf("sync from the new rev = %+v, want nothing", r)
	}
	_, err = f.hub.Sync(f.ctx, bob, cursors, map[string]int64{parley.DefaultRoomID: -1})
	wantCode(t, err, parley.CodeBadRequest)
}

// Changes beyond one answer's budget come in rev order over several syncs,
// each answer's rev naming the last change it carried.
func TestSyncChangesPage(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.SyncMaxMessages = 2 })
	alice := f.user("alice")
	var sent []protocol.Message
	for i := range 5 {
		sent = append(sent, f.mustSend(alice, parley.DefaultRoomID, string(rune('a'+i))))
	}
	base := sent[4].Rev
	for _, m := range sent {
		if _, err := f.hub.React(f.ctx, alice, parley.DefaultRoomID, m.ID, "👀", true); err != nil {
			t.Fatal(err)
		}
	}
	cursors := map[string]int64{parley.DefaultRoomID: sent[4].Seq}
	revs := map[string]int64{parley.DefaultRoomID: base}
	var got []int64
	for range 10 {
		out, err := f.hub.Sync(f.ctx, alice, cursors, revs)
		if err != nil {
			t.Fatal(err)
		}
		r := out[parley.DefaultRoomID]
		got = append(got, seqs(r.Changes)...)
		revs[parley.DefaultRoomID] = r.Rev
		if !r.HasMore {
			break
		}
	}
	if !slices.Equal(got, []int64{1, 2, 3, 4, 5}) || revs[parley.DefaultRoomID] != base+5 {
		t.Fatalf("changes over pages = %v ending at rev %d, want seqs 1..5 ending at rev %d", got, revs[parley.DefaultRoomID], base+5)
	}
}

// countingEdits counts the Changes queries.
type countingEdits struct {
	store.Edits
	changes atomic.Int64
}

func (c *countingEdits) Changes(ctx context.Context, roomID string, afterRev, upTo int64, limit int) ([]parley.Message, bool, error) {
	c.changes.Add(1)
	return c.Edits.Changes(ctx, roomID, afterRev, upTo, limit)
}

// New messages move a room's rev but are not changes: a sync then asks the
// store for changes only once something was edited, reacted to or deleted.
func TestSyncAsksForChangesOnlyWhenThereAreSome(t *testing.T) {
	var counter *countingEdits
	f := newHub(t, func(c *rooms.Config) {
		counter = &countingEdits{Edits: c.Store.Edits}
		st := *c.Store
		st.Edits = counter
		c.Store = &st
	})
	alice := f.user("alice")
	first := f.mustSend(alice, parley.DefaultRoomID, "one")
	out, err := f.hub.Sync(f.ctx, alice, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	revs := map[string]int64{parley.DefaultRoomID: out[parley.DefaultRoomID].Rev}
	cursors := map[string]int64{parley.DefaultRoomID: first.Seq}
	f.mustSend(alice, parley.DefaultRoomID, "two")
	f.mustSend(alice, parley.DefaultRoomID, "three")
	if _, err := f.hub.Sync(f.ctx, alice, cursors, revs); err != nil {
		t.Fatal(err)
	}
	if n := counter.changes.Load(); n != 0 {
		t.Fatalf("%d changes queries for a room with new messages only, want 0", n)
	}
	if _, err := f.hub.EditMessage(f.ctx, alice, parley.DefaultRoomID, first.ID, "one!"); err != nil {
		t.Fatal(err)
	}
	got, err := f.hub.Sync(f.ctx, alice, cursors, revs)
	if err != nil {
		t.Fatal(err)
	}
	if n := counter.changes.Load(); n != 1 || len(got[parley.DefaultRoomID].Changes) != 1 {
		t.Fatalf("after an edit: %d queries, changes %+v; want 1 query and the edit", n, got[parley.DefaultRoomID].Changes)
	}
}
