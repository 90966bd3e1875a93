package rooms_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/parleytest"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

type fixture struct {
	t   *testing.T
	ctx context.Context
	hub *rooms.Hub
	st  *store.Store
	rec *parleytest.Recorder
	clk *parleytest.Clock
	seq atomic.Int64
}

// newHub builds a hub over a fresh SQLite store with a recording emitter, a
// fake clock and the default room.
func newHub(t *testing.T, tweak func(*rooms.Config)) *fixture {
	t.Helper()
	t.Parallel() // each hub has its own database: the tests share nothing
	ctx := context.Background()
	st := parleytest.Store(t)
	parleytest.Seed(t, st)
	f := &fixture{t: t, ctx: ctx, st: st, rec: parleytest.NewRecorder(), clk: parleytest.NewClock(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))}
	cfg := rooms.Config{
		Store:     st,
		Emitter:   f.rec,
		Now:       f.clk.Now,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		SendBurst: 1000,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	f.hub = rooms.New(cfg)
	t.Cleanup(f.hub.Close) // runs before the store is closed
	return f
}

// user creates an account that is a member of the default room, and
// forgets the events that caused.
func (f *fixture) user(name string) parley.User {
	f.t.Helper()
	u := parley.User{ID: "id-" + name, Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:], Kind: parley.KindHuman, CreatedAt: f.clk.Now()}
	if err := f.st.Users.Create(f.ctx, &u); err != nil {
		f.t.Fatalf("create user %s: %v", name, err)
	}
	if err := f.hub.Welcome(f.ctx, u); err != nil {
		f.t.Fatalf("welcome %s: %v", name, err)
	}
	f.rec.Reset()
	return u
}

// room creates a group room owned by owner and forgets the events.
func (f *fixture) room(owner parley.User, name string, private bool) protocol.Room {
	f.t.Helper()
	r, err := f.hub.CreateRoom(f.ctx, owner, name, "", private)
	if err != nil {
		f.t.Fatalf("create room %s: %v", name, err)
	}
	f.rec.Reset()
	return r
}

func (f *fixture) send(u parley.User, room, text string) (protocol.Message, error) {
	id := fmt.Sprintf("c%d", f.seq.Add(1))
	return f.hub.Send(f.ctx, u, rooms.SendRequest{Room: room, Text: text, ClientMsgID: id}, nil)
}

func (f *fixture) mustSend(u parley.User, room, text string) protocol.Message {
	f.t.Helper()
	m, err := f.send(u, room, text)
	if err != nil {
		f.t.Fatalf("send %q: %v", text, err)
	}
	return m
}

// history returns every message of a room as u sees it.
func (f *fixture) history(u parley.User, room string) []protocol.Message {
	f.t.Helper()
	p, err := f.hub.History(f.ctx, u, room, 0, rooms.MaxPageSize)
	if err != nil {
		f.t.Fatalf("history of %s: %v", room, err)
	}
	return p.Messages
}

func wantCode(t *testing.T, err error, code parley.Code) {
	t.Helper()
	if got := parley.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %s", err, got, code)
	}
}

func seqs(msgs []protocol.Message) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.Seq
	}
	return out
}

func TestSendStoresAcksThenFansOutOnce(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")

	var acked []protocol.Message
	msg, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "  hello world \n", ClientMsgID: "m1"}, func(m protocol.Message) {
		acked = append(acked, m)
		f.rec.Mark("ack")
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if msg.Text != "hello world" || msg.Seq != 1 || msg.Room != parley.DefaultRoomID || msg.ClientMsgID != "m1" || msg.ID == "" {
		t.Errorf("message = %+v", msg)
	}
	if msg.Sender.ID != alice.ID || msg.Sender.Username != "alice" || msg.Sender.DisplayName != "Alice" || msg.Sender.Kind != parley.KindHuman {
		t.Errorf("sender = %+v", msg.Sender)
	}
	if msg.Mentions == nil {
		t.Error("mentions is nil; the wire shape wants []")
	}
	if len(acked) != 1 || !reflect.DeepEqual(acked[0], msg) {
		t.Errorf("ack got %+v, want once the returned message", acked)
	}

	if got, want := f.rec.Kinds(), []string{"ack", "emit:message"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("calls = %v, want %v (ack before the room sees it, one emit)", got, want)
	}
	em := f.rec.Emits(protocol.EventMessage)[0]
	if want := (rooms.Target{Rooms: []string{parley.DefaultRoomID}}); !reflect.DeepEqual(em.Target, want) {
		t.Errorf("emit target = %+v, want %+v (the sender's other sockets too)", em.Target, want)
	}
	if !reflect.DeepEqual(em.Payload, msg) {
		t.Errorf("emitted %+v, want %+v", em.Payload, msg)
	}

	hist := f.history(alice, parley.DefaultRoomID)
	if len(hist) != 1 || hist[0].ID != msg.ID || hist[0].Text != "hello world" || hist[0].Sender.Username != "alice" {
		t.Fatalf("history = %+v", hist)
	}
}

func TestSendDuplicateClientMsgID(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	req := rooms.SendRequest{Room: parley.DefaultRoomID, Text: "once", ClientMsgID: "retry-1"}
	acks := 0
	ack := func(protocol.Message) { acks++ }

	first, err := f.hub.Send(f.ctx, alice, req, ack)
	if err != nil {
		t.Fatal(err)
	}
	req.Text = "a retry may even carry other text"
	again, err := f.hub.Send(f.ctx, alice, req, ack)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if again.ID != first.ID || again.Seq != first.Seq || again.Text != "once" {
		t.Errorf("retry returned %+v, want the original %+v", again, first)
	}
	if acks != 2 {
		t.Errorf("ack called %d times, want once per Send", acks)
	}
	if n := len(f.rec.Emits(protocol.EventMessage)); n != 1 {
		t.Errorf("%d message emits, want 1 (no second broadcast)", n)
	}

	// The key is per sender: bob's message with the same key is new.
	other, err := f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "mine", ClientMsgID: "retry-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if other.ID == first.ID || other.Seq != 2 {
		t.Errorf("bob's message = %+v, want a new message with seq 2", other)
	}
	if got := seqs(f.history(alice, parley.DefaultRoomID)); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Errorf("stored seqs = %v, want [1 2]", got)
	}
}

func TestSendValidation(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.MaxTextLength = 10 })
	alice := f.user("alice")

	ten := strings.Repeat("é", 10) // 10 characters, 20 bytes
	if m, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "  \t" + ten + " \n", ClientMsgID: "ok"}, nil); err != nil {
		t.Fatalf("10 characters (after trimming) with a limit of 10: %v", err)
	} else if m.Text != ten {
		t.Errorf("stored %q, want the trimmed text", m.Text)
	}
	f.rec.Reset()

	tests := []struct {
		name string
		req  rooms.SendRequest
		code parley.Code
	}{
		{"too long in characters", rooms.SendRequest{Room: parley.DefaultRoomID, Text: ten + "x", ClientMsgID: "a"}, parley.CodeTooLarge},
		{"empty text", rooms.SendRequest{Room: parley.DefaultRoomID, Text: "", ClientMsgID: "b"}, parley.CodeBadRequest},
		{"blank text", rooms.SendRequest{Room: parley.DefaultRoomID, Text: " \n\t ", ClientMsgID: "c"}, parley.CodeBadRequest},
		{"invalid UTF-8", rooms.SendRequest{Room: parley.DefaultRoomID, Text: "bad \xff", ClientMsgID: "d"}, parley.CodeBadRequest},
		{"missing clientMsgId", rooms.SendRequest{Room: parley.DefaultRoomID, Text: "hi"}, parley.CodeBadRequest},
		{"clientMsgId too long", rooms.SendRequest{Room: parley.DefaultRoomID, Text: "hi", ClientMsgID: strings.Repeat("k", 129)}, parley.CodeBadRequest},
		{"missing room", rooms.SendRequest{Text: "hi", ClientMsgID: "e"}, parley.CodeBadRequest},
		{"blank room", rooms.SendRequest{Room: "  ", Text: "hi", ClientMsgID: "f"}, parley.CodeBadRequest},
		{"unknown room", rooms.SendRequest{Room: "no-such-room", Text: "hi", ClientMsgID: "g"}, parley.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acked := false
			_, err := f.hub.Send(f.ctx, alice, tt.req, func(protocol.Message) { acked = true })
			wantCode(t, err, tt.code)
			if parley.ErrorMessage(err) == "internal error" {
				t.Errorf("message %q does not tell the user what is wrong", parley.ErrorMessage(err))
			}
			if acked {
				t.Error("a refused message was acked")
			}
		})
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("refused messages caused calls: %+v", recs)
	}
	if n := len(f.history(alice, parley.DefaultRoomID)); n != 1 {
		t.Errorf("%d messages stored, want only the valid one", n)
	}
}

func TestSendRoomAccess(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	pub := f.room(bob, "bob's public room", false)
	priv := f.room(bob, "bob's secret room", true)

	_, err := f.send(alice, pub.ID, "hi")
	wantCode(t, err, parley.CodeForbidden)

	_, errPriv := f.send(alice, priv.ID, "hi")
	wantCode(t, errPriv, parley.CodeNotFound)
	_, errNone := f.send(alice, "does-not-exist", "hi")
	if parley.ErrorMessage(errPriv) != parley.ErrorMessage(errNone) {
		t.Errorf("a private room answers %q but a missing one %q: that tells outsiders it exists", parley.ErrorMessage(errPriv), parley.ErrorMessage(errNone))
	}
	_, err = f.hub.History(f.ctx, alice, priv.ID, 0, 0)
	wantCode(t, err, parley.CodeNotFound)
	_, _, err = f.hub.Join(f.ctx, alice, priv.ID)
	wantCode(t, err, parley.CodeNotFound)

	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("refused calls emitted %+v", recs)
	}
	// The owner can use both.
	f.mustSend(bob, pub.ID, "public")
	f.mustSend(bob, priv.ID, "secret")
}

func TestSendMasksSensitiveWords(t *testing.T) {
	f := newHub(t, nil) // the shipped list
	alice := f.user("alice")
	msg := f.mustSend(alice, parley.DefaultRoomID, "Well SHIT, 你是傻逼 in class")
	want := "Well ****, 你是** in class"
	if msg.Text != want {
		t.Errorf("acked text %q, want %q", msg.Text, want)
	}
	if got := f.rec.Emits(protocol.EventMessage)[0].Payload.(protocol.Message).Text; got != want {
		t.Errorf("emitted text %q, want %q", got, want)
	}
	if got := f.history(alice, parley.DefaultRoomID)[0].Text; got != want {
		t.Errorf("stored text %q, want %q", got, want)
	}
}

func TestSendCustomFilter(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.Filter = rooms.NewFilter([]string{"pineapple"}) })
	alice := f.user("alice")
	if got := f.mustSend(alice, parley.DefaultRoomID, "Pineapple on pizza? shit.").Text; got != "********* on pizza? shit." {
		t.Errorf("text %q: the configured list must replace the shipped one", got)
	}
}

func TestSendMentionsKeepExistingUsers(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	f.user("bob")
	f.user("carol")
	msg := f.mustSend(alice, parley.DefaultRoomID, "@Bob, @ghost and @carol. mail bob@example.com @bob")
	if want := []string{"bob", "carol"}; !reflect.DeepEqual(msg.Mentions, want) {
		t.Errorf("mentions = %q, want %q", msg.Mentions, want)
	}
	if got := f.history(alice, parley.DefaultRoomID)[0].Mentions; !reflect.DeepEqual(got, []string{"bob", "carol"}) {
		t.Errorf("stored mentions = %q", got)
	}
	if got := f.mustSend(alice, parley.DefaultRoomID, "nobody here @ghost").Mentions; got == nil || len(got) != 0 {
		t.Errorf("mentions = %#v, want an empty list", got)
	}
}

func TestSendRateLimited(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.SendRate = 1; c.SendBurst = 3 })
	alice, bob := f.user("alice"), f.user("bob")
	for i := range 3 {
		f.mustSend(alice, parley.DefaultRoomID, fmt.Sprint("burst ", i))
	}
	f.rec.Reset()
	acked := false
	_, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "one too many", ClientMsgID: "x"}, func(protocol.Message) { acked = true })
	wantCode(t, err, parley.CodeRateLimited)
	if acked || len(f.rec.Records()) != 0 {
		t.Errorf("a rate-limited send was acked (%v) or emitted %+v", acked, f.rec.Records())
	}
	if n := len(f.history(alice, parley.DefaultRoomID)); n != 3 {
		t.Errorf("%d messages stored, want 3", n)
	}
	// Another user is not affected; alice may send again once a token is back.
	f.mustSend(bob, parley.DefaultRoomID, "bob is fine")
	f.clk.Add(time.Second)
	f.mustSend(alice, parley.DefaultRoomID, "a second later")
	_, err = f.send(alice, parley.DefaultRoomID, "but only one")
	wantCode(t, err, parley.CodeRateLimited)
}

func TestOnMessageSeesNewMessagesOnly(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	var mu sync.Mutex
	var seen []rooms.Posted
	f.hub.OnMessage(func(p rooms.Posted) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
		f.rec.Mark("observer")
	})
	req := rooms.SendRequest{Room: parley.DefaultRoomID, Text: "hi", ClientMsgID: "k1"}
	first, err := f.hub.Send(f.ctx, alice, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.hub.Send(f.ctx, alice, req, nil); err != nil { // duplicate
		t.Fatal(err)
	}
	_, _ = f.send(alice, "no-such-room", "refused")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Message.ID != first.ID || seen[0].Sender.ID != alice.ID {
		t.Fatalf("observer saw %+v, want only the first message", seen)
	}
	if got, want := f.rec.Kinds(), []string{"emit:message", "observer"}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls = %v, want %v (observers after the fan-out)", got, want)
	}
}

func TestHistoryPages(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	for i := 1; i <= 5; i++ {
		f.mustSend(alice, parley.DefaultRoomID, fmt.Sprint("m", i))
	}
	page := func(before int64, limit int) protocol.Page {
		t.Helper()
		p, err := f.hub.History(f.ctx, alice, parley.DefaultRoomID, before, limit)
		if err != nil {
			t.Fatalf("History(before=%d, limit=%d): %v", before, limit, err)
		}
		return p
	}
	for _, tt := range []struct {
		before int64
		limit  int
		want   []int64
		more   bool
	}{
		{0, 2, []int64{4, 5}, true},
		{4, 2, []int64{2, 3}, true},
		{2, 2, []int64{1}, false},
		{0, 0, []int64{1, 2, 3, 4, 5}, false}, // default page size
		{0, 1000, []int64{1, 2, 3, 4, 5}, false},
	} {
		p := page(tt.before, tt.limit)
		if got := seqs(p.Messages); !reflect.DeepEqual(got, tt.want) || p.HasMore != tt.more {
			t.Errorf("History(before=%d, limit=%d) = %v hasMore=%v, want %v hasMore=%v (oldest first)", tt.before, tt.limit, got, p.HasMore, tt.want, tt.more)
		}
	}
	_, err := f.hub.History(f.ctx, alice, parley.DefaultRoomID, 0, -1)
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.History(f.ctx, alice, parley.DefaultRoomID, -1, 10)
	wantCode(t, err, parley.CodeBadRequest)
}

func TestSyncAndRead(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	other := f.room(alice, "other", false) // bob is not in it
	for i := 1; i <= 3; i++ {
		f.mustSend(alice, parley.DefaultRoomID, fmt.Sprint("m", i))
	}
	f.mustSend(alice, other.ID, "elsewhere")

	sync := func(u parley.User, cursors map[string]int64) map[string]protocol.SyncRoom {
		t.Helper()
		out, err := f.hub.Sync(f.ctx, u, cursors, nil)
		if err != nil {
			t.Fatalf("Sync(%v): %v", cursors, err)
		}
		return out
	}

	// Without a cursor, bob gets everything after his stored read cursor
	// (nothing read yet), and only rooms he is in.
	got := sync(bob, nil)
	if len(got) != 1 {
		t.Fatalf("bob's sync covers %d rooms, want only general: %v", len(got), got)
	}
	if s := seqs(got[parley.DefaultRoomID].Messages); !reflect.DeepEqual(s, []int64{1, 2, 3}) {
		t.Fatalf("sync without cursor = %v, want [1 2 3]", s)
	}

	if rs, err := f.hub.Read(f.ctx, bob, parley.DefaultRoomID, 2); err != nil || rs != 2 {
		t.Fatalf("Read(2) = %d, %v", rs, err)
	}
	if s := seqs(sync(bob, nil)[parley.DefaultRoomID].Messages); !reflect.DeepEqual(s, []int64{3}) {
		t.Errorf("sync after reading 2 = %v, want [3]", s)
	}
	// A cursor the client names wins over the stored one.
	if s := seqs(sync(bob, map[string]int64{parley.DefaultRoomID: 0})[parley.DefaultRoomID].Messages); !reflect.DeepEqual(s, []int64{1, 2, 3}) {
		t.Errorf("sync from cursor 0 = %v, want [1 2 3]", s)
	}
	// Cursors of rooms one is not in are ignored, not an error.
	if got := sync(bob, map[string]int64{other.ID: 0, "gone": 7}); len(got) != 1 || len(got[parley.DefaultRoomID].Messages) != 1 {
		t.Errorf("sync with foreign cursors = %v", got)
	}

	// The read cursor never moves backwards, and stops at the last message.
	if rs, err := f.hub.Read(f.ctx, bob, parley.DefaultRoomID, 1); err != nil || rs != 2 {
		t.Errorf("Read(1) after Read(2) = %d, %v; want it to stay at 2", rs, err)
	}
	if rs, err := f.hub.Read(f.ctx, bob, parley.DefaultRoomID, 99); err != nil || rs != 3 {
		t.Errorf("Read(99) = %d, %v; want 3, the last seq", rs, err)
	}
	caught := sync(bob, nil)[parley.DefaultRoomID]
	if caught.Messages == nil || len(caught.Messages) != 0 || caught.HasMore {
		t.Errorf("caught-up sync = %#v, want an empty (non-nil) list", caught)
	}
	// The sender has read her own messages.
	if n := len(sync(alice, nil)[parley.DefaultRoomID].Messages); n != 0 {
		t.Errorf("alice's own messages came back as unread: %d", n)
	}

	_, err := f.hub.Sync(f.ctx, bob, map[string]int64{parley.DefaultRoomID: -1}, nil)
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.Read(f.ctx, bob, parley.DefaultRoomID, -1)
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.Read(f.ctx, bob, other.ID, 1)
	wantCode(t, err, parley.CodeForbidden)
}

func TestSyncHasMore(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	for i := 1; i <= rooms.MaxPageSize+1; i++ {
		f.mustSend(alice, parley.DefaultRoomID, fmt.Sprint("m", i))
	}
	out, err := f.hub.Sync(f.ctx, bob, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := out[parley.DefaultRoomID]
	if len(p.Messages) != rooms.MaxPageSize || !p.HasMore || p.Messages[0].Seq != 1 {
		t.Fatalf("sync of %d messages: got %d (first seq %d), hasMore=%v", rooms.MaxPageSize+1, len(p.Messages), p.Messages[0].Seq, p.HasMore)
	}
	out, err = f.hub.Sync(f.ctx, bob, map[string]int64{parley.DefaultRoomID: int64(rooms.MaxPageSize)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := out[parley.DefaultRoomID]; len(p.Messages) != 1 || p.HasMore {
		t.Errorf("second sync = %d messages, hasMore=%v; want the last one", len(p.Messages), p.HasMore)
	}
}

func TestJoinAndLeave(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	pub := f.room(bob, "pub", false)

	room, members, err := f.hub.Join(f.ctx, alice, pub.ID)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	if room.ID != pub.ID || room.Role != parley.RoleMember {
		t.Errorf("joined room = %+v", room)
	}
	names := map[string]bool{}
	for _, m := range members {
		names[m.Username] = true
	}
	if len(members) != 2 || !names["alice"] || !names["bob"] {
		t.Errorf("members = %+v, want alice and bob", members)
	}
	want := []parleytest.Record{
		{Kind: "join", User: alice.ID, Room: pub.ID},
		{Kind: "emit", Target: rooms.Target{Rooms: []string{pub.ID}}, Event: protocol.EventMember,
			Payload: protocol.MemberEvent{Room: pub.ID, User: protocol.UserOf(alice), Action: "joined"}},
	}
	if got := f.rec.Records(); !reflect.DeepEqual(got, want) {
		t.Errorf("join calls = %+v\nwant %+v", got, want)
	}
	f.mustSend(alice, pub.ID, "now I may talk")

	// Joining again changes nothing and tells nobody.
	f.rec.Reset()
	if _, _, err := f.hub.Join(f.ctx, bob, pub.ID); err != nil {
		t.Fatal(err)
	}
	if room, _, err := f.hub.Join(f.ctx, alice, pub.ID); err != nil || room.Role != parley.RoleMember {
		t.Fatalf("second join: %+v, %v", room, err)
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("joining a room again emitted %+v", recs)
	}

	if err := f.hub.Leave(f.ctx, alice, pub.ID); err != nil {
		t.Fatalf("Leave: %v", err)
	}
	want = []parleytest.Record{
		{Kind: "emit", Target: rooms.Target{Rooms: []string{pub.ID}}, Event: protocol.EventMember,
			Payload: protocol.MemberEvent{Room: pub.ID, User: protocol.UserOf(alice), Action: "left"}},
		{Kind: "leave", User: alice.ID, Room: pub.ID},
	}
	if got := f.rec.Records(); !reflect.DeepEqual(got, want) {
		t.Errorf("leave calls = %+v\nwant %+v", got, want)
	}
	_, err = f.send(alice, pub.ID, "still here?")
	wantCode(t, err, parley.CodeForbidden)
	f.rec.Reset()
	if err := f.hub.Leave(f.ctx, alice, pub.ID); err != nil {
		t.Errorf("leaving a room one is not in: %v", err)
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("leaving again emitted %+v", recs)
	}
	_, _, err = f.hub.Join(f.ctx, alice, "no-such-room")
	wantCode(t, err, parley.CodeNotFound)
}

func TestKick(t *testing.T) {
	f := newHub(t, nil)
	alice, bob, carol := f.user("alice"), f.user("bob"), f.user("carol")
	pub := f.room(bob, "pub", false)
	for _, u := range []parley.User{alice, carol} {
		if _, _, err := f.hub.Join(f.ctx, u, pub.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.rec.Reset()

	err := f.hub.Kick(f.ctx, alice, pub.ID, "carol")
	wantCode(t, err, parley.CodeForbidden)
	err = f.hub.Kick(f.ctx, alice, pub.ID, "bob")
	wantCode(t, err, parley.CodeForbidden)
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("a refused kick emitted %+v", recs)
	}
	f.mustSend(carol, pub.ID, "still a member")

	if err := f.hub.Kick(f.ctx, bob, pub.ID, "Carol"); err != nil {
		t.Fatalf("owner kicks carol: %v", err)
	}
	kicks := f.rec.Emits(protocol.EventMember)
	if len(kicks) != 1 {
		t.Fatalf("member events = %+v", kicks)
	}
	// The kicked user hears about it too, though no longer in the room.
	if want := (rooms.Target{Rooms: []string{pub.ID}, Users: []string{carol.ID}}); !reflect.DeepEqual(kicks[0].Target, want) {
		t.Errorf("kick target = %+v, want %+v", kicks[0].Target, want)
	}
	if ev := kicks[0].Payload.(protocol.MemberEvent); ev.Action != "kicked" || ev.User.ID != carol.ID {
		t.Errorf("kick event = %+v", ev)
	}
	if recs := f.rec.Records(); !reflect.DeepEqual(recs[len(recs)-1], parleytest.Record{Kind: "leave", User: carol.ID, Room: pub.ID}) {
		t.Errorf("carol's sockets were not unsubscribed: %+v", recs)
	}
	_, err = f.send(carol, pub.ID, "let me back")
	wantCode(t, err, parley.CodeForbidden)

	wantCode(t, f.hub.Kick(f.ctx, bob, pub.ID, "carol"), parley.CodeNotFound)
	wantCode(t, f.hub.Kick(f.ctx, bob, pub.ID, "nobody"), parley.CodeNotFound)
	wantCode(t, f.hub.Kick(f.ctx, bob, pub.ID, "bob"), parley.CodeBadRequest)
}

func TestInvitePrivateRoom(t *testing.T) {
	f := newHub(t, nil)
	alice, bob, carol := f.user("alice"), f.user("bob"), f.user("carol")
	priv := f.room(bob, "secret", true)

	wantCode(t, f.hub.Invite(f.ctx, alice, priv.ID, "carol"), parley.CodeNotFound)
	if err := f.hub.Invite(f.ctx, bob, priv.ID, "alice"); err != nil {
		t.Fatalf("owner invites: %v", err)
	}
	if got := f.rec.Records(); len(got) != 2 || !reflect.DeepEqual(got[0], parleytest.Record{Kind: "join", User: alice.ID, Room: priv.ID}) {
		t.Errorf("invite calls = %+v", got)
	}
	f.mustSend(alice, priv.ID, "thanks")
	// A plain member may not invite.
	wantCode(t, f.hub.Invite(f.ctx, alice, priv.ID, "carol"), parley.CodeForbidden)
	_, err := f.send(carol, priv.ID, "hi")
	wantCode(t, err, parley.CodeNotFound)
}

func TestOpenDirect(t *testing.T) {
	f := newHub(t, nil)
	alice, bob, carol := f.user("alice"), f.user("bob"), f.user("carol")

	ab, err := f.hub.OpenDirect(f.ctx, alice, "Bob")
	if err != nil {
		t.Fatalf("OpenDirect: %v", err)
	}
	if ab.Kind != parley.RoomDirect || !ab.Private {
		t.Errorf("direct room = %+v", ab)
	}
	joins := f.rec.Records()
	if len(joins) != 2 {
		t.Errorf("opening a new direct room: calls %+v, want both users subscribed", joins)
	}
	f.rec.Reset()
	ba, err := f.hub.OpenDirect(f.ctx, bob, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ba.ID != ab.ID {
		t.Fatalf("bob opened %s, alice %s: want the same room", ba.ID, ab.ID)
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("re-opening emitted %+v", recs)
	}
	f.mustSend(bob, ab.ID, "psst")
	_, err = f.send(carol, ab.ID, "can I join?")
	wantCode(t, err, parley.CodeNotFound)
	wantCode(t, f.hub.Leave(f.ctx, alice, ab.ID), parley.CodeBadRequest)

	_, err = f.hub.OpenDirect(f.ctx, alice, "alice")
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.OpenDirect(f.ctx, alice, "nobody")
	wantCode(t, err, parley.CodeNotFound)
	_, err = f.hub.OpenDirect(f.ctx, alice, "")
	wantCode(t, err, parley.CodeBadRequest)
}

func TestDeleteMessage(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	m := f.mustSend(alice, parley.DefaultRoomID, "oops")
	f.rec.Reset()

	wantCode(t, f.hub.DeleteMessage(f.ctx, bob, parley.DefaultRoomID, m.ID), parley.CodeForbidden)
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, m.ID); err != nil {
		t.Fatalf("sender deletes: %v", err)
	}
	dels := f.rec.Emits(protocol.EventDeleted)
	if len(dels) != 1 || dels[0].Payload != (protocol.DeletedEvent{Room: parley.DefaultRoomID, ID: m.ID, Seq: m.Seq}) {
		t.Errorf("deleted events = %+v", dels)
	}
	h := f.history(bob, parley.DefaultRoomID)
	if len(h) != 1 || !h[0].Deleted || h[0].Text != "" || h[0].Seq != m.Seq {
		t.Errorf("history after delete = %+v, want a tombstone with the same seq", h)
	}
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, m.ID); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if n := len(f.rec.Emits(protocol.EventDeleted)); n != 1 {
		t.Errorf("deleting twice emitted %d events, want 1", n)
	}
	wantCode(t, f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, "nope"), parley.CodeNotFound)
	wantCode(t, f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, ""), parley.CodeBadRequest)
}

func TestTyping(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	if err := f.hub.Typing(f.ctx, alice, parley.DefaultRoomID, true); err != nil {
		t.Fatal(err)
	}
	want := []parleytest.Record{{
		Kind: "emit", Event: protocol.EventTyping,
		Target:  rooms.Target{Rooms: []string{parley.DefaultRoomID}, ExceptUser: alice.ID},
		Payload: protocol.TypingEvent{Room: parley.DefaultRoomID, User: protocol.UserOf(alice), Typing: true},
	}}
	if got := f.rec.Records(); !reflect.DeepEqual(got, want) {
		t.Errorf("typing calls = %+v\nwant %+v", got, want)
	}
	f.rec.Reset()
	priv := f.room(bob, "secret", true)
	wantCode(t, f.hub.Typing(f.ctx, alice, priv.ID, true), parley.CodeNotFound)
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("refused typing emitted %+v", recs)
	}
}

func presenceEvents(r *parleytest.Recorder, online bool) []parleytest.Record {
	var out []parleytest.Record
	for _, rec := range r.Emits(protocol.EventPresence) {
		if rec.Payload.(protocol.PresenceEvent).Online == online {
			out = append(out, rec)
		}
	}
	return out
}

func TestPresenceReconnectWithinGrace(t *testing.T) {
	// A grace period far longer than the test: every reconnect is within it.
	f := newHub(t, func(c *rooms.Config) { c.PresenceGrace = time.Hour })
	alice := f.user("alice")
	roomIDs := []string{parley.DefaultRoomID}

	f.hub.Connected(alice, "c1", roomIDs)
	want := []parleytest.Record{{
		Kind: "emit", Event: protocol.EventPresence,
		Target:  rooms.Target{Rooms: roomIDs, ExceptUser: alice.ID},
		Payload: protocol.PresenceEvent{User: protocol.UserOf(alice), Online: true},
	}}
	if got := f.rec.Records(); !reflect.DeepEqual(got, want) {
		t.Fatalf("first connection: %+v\nwant %+v", got, want)
	}
	if !f.hub.Online(alice.ID) {
		t.Error("not online after connecting")
	}
	f.rec.Reset()

	f.hub.Connected(alice, "c2", roomIDs) // a second tab
	f.hub.Disconnected(alice, "c1")
	f.hub.Disconnected(alice, "c2") // last socket gone: grace starts
	if !f.hub.Online(alice.ID) {
		t.Error("offline during the grace period")
	}
	f.hub.Connected(alice, "c3", roomIDs) // page reload
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("second tab, disconnects and a reconnect within the grace emitted %+v", recs)
	}
	if !f.hub.Online(alice.ID) {
		t.Error("not online after reconnecting")
	}
	if f.hub.Online("id-nobody") {
		t.Error("a user who never connected is online")
	}
}

func TestPresenceOfflineAfterGrace(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.PresenceGrace = 20 * time.Millisecond })
	alice := f.user("alice")
	own := f.room(alice, "own", false)

	f.hub.Connected(alice, "c1", []string{parley.DefaultRoomID, own.ID})
	f.hub.Disconnected(alice, "c1")
	deadline := time.Now().Add(2 * time.Second)
	for len(presenceEvents(f.rec, false)) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	off := presenceEvents(f.rec, false)
	if len(off) != 1 {
		t.Fatalf("offline events = %+v, want one", off)
	}
	tg := off[0].Target
	if tg.ExceptUser != alice.ID || len(tg.Rooms) != 2 {
		t.Errorf("offline target = %+v, want alice's two rooms except her", tg)
	}
	if u := off[0].Payload.(protocol.PresenceEvent).User; u.ID != alice.ID {
		t.Errorf("offline event about %+v", u)
	}
	if f.hub.Online(alice.ID) {
		t.Error("still online after the offline announcement")
	}

	// Coming back after being announced offline is announced again.
	f.rec.Reset()
	f.hub.Connected(alice, "c2", []string{parley.DefaultRoomID})
	if on := presenceEvents(f.rec, true); len(on) != 1 {
		t.Errorf("online events on return = %+v, want one", on)
	}
}

func TestPresenceNoAnnouncementAfterClose(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.PresenceGrace = 10 * time.Millisecond })
	alice := f.user("alice")
	f.hub.Connected(alice, "c1", []string{parley.DefaultRoomID})
	f.rec.Reset()
	f.hub.Disconnected(alice, "c1")
	f.hub.Close()
	time.Sleep(60 * time.Millisecond) // several grace periods
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("a closed hub still announced %+v", recs)
	}
}

func TestCloseThenSend(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	f.mustSend(alice, parley.DefaultRoomID, "before")
	f.hub.Close()
	f.hub.Close() // safe twice
	acked := false
	_, err := f.hub.Send(f.ctx, alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: "after", ClientMsgID: "late"}, func(protocol.Message) { acked = true })
	wantCode(t, err, parley.CodeUnavailable)
	if acked || len(f.rec.Emits(protocol.EventMessage)) != 1 {
		t.Errorf("a send after Close was acked (%v) or emitted", acked)
	}
	if n := len(f.history(alice, parley.DefaultRoomID)); n != 1 {
		t.Errorf("%d messages stored, want only the one sent before Close", n)
	}
}

func TestCreateRoomValidation(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	r, err := f.hub.CreateRoom(f.ctx, alice, "  Book club ", " novels ", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Book club" || r.Topic != "novels" || r.Role != parley.RoleOwner || r.Kind != parley.RoomGroup {
		t.Errorf("room = %+v", r)
	}
	if got := f.rec.Records(); len(got) != 1 || !reflect.DeepEqual(got[0], parleytest.Record{Kind: "join", User: alice.ID, Room: r.ID}) {
		t.Errorf("create calls = %+v, want the owner's sockets subscribed", got)
	}
	_, err = f.hub.CreateRoom(f.ctx, alice, "   ", "", false)
	wantCode(t, err, parley.CodeBadRequest)
	_, err = f.hub.CreateRoom(f.ctx, alice, strings.Repeat("名", 65), "", false)
	wantCode(t, err, parley.CodeTooLarge)
	if _, err = f.hub.CreateRoom(f.ctx, alice, strings.Repeat("名", 64), "", false); err != nil {
		t.Errorf("64-character name: %v", err)
	}

	pub, err := f.hub.PublicRooms(f.ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := f.hub.RoomsOf(f.ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(pub) != 3 || len(mine) != 3 {
		t.Errorf("public rooms %d, alice's rooms %d; want 3 each (general + 2)", len(pub), len(mine))
	}
	for _, r := range mine {
		if r.Unread == nil {
			t.Errorf("room %s in the member's list has no unread count", r.ID)
		}
	}
}

func TestNewcomerUnreadStartsAtJoin(t *testing.T) {
	f := newHub(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	pub := f.room(alice, "pub", false)
	for i := 0; i < 3; i++ {
		f.mustSend(alice, pub.ID, "before bob")
	}
	if _, _, err := f.hub.Join(f.ctx, bob, pub.ID); err != nil {
		t.Fatal(err)
	}
	unread := func() int64 {
		t.Helper()
		rs, err := f.hub.RoomsOf(f.ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.ID == pub.ID {
				return *r.Unread
			}
		}
		t.Fatalf("bob is not in %s", pub.ID)
		return 0
	}
	if n := unread(); n != 0 {
		t.Errorf("unread right after joining = %d, want 0 (the past is history, not news)", n)
	}
	f.mustSend(alice, pub.ID, "after bob")
	if n := unread(); n != 1 {
		t.Errorf("unread after one new message = %d, want 1", n)
	}
	if got := f.history(bob, pub.ID); len(got) != 4 {
		t.Errorf("bob's history has %d messages, want all 4", len(got))
	}
}

// An admin may moderate a room, but never remove its owner.
func TestAdminCannotKickOwner(t *testing.T) {
	f := newHub(t, nil)
	owner, admin, carol := f.user("owner"), f.user("admin1"), f.user("carol")
	pub := f.room(owner, "pub", false)
	for _, m := range []parley.Membership{
		{RoomID: pub.ID, UserID: admin.ID, Role: parley.RoleAdmin},
		{RoomID: pub.ID, UserID: carol.ID, Role: parley.RoleMember},
	} {
		if _, err := f.st.Memberships.Add(f.ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, f.hub.Kick(f.ctx, admin, pub.ID, "owner"), parley.CodeForbidden)
	if _, err := f.st.Memberships.Get(f.ctx, pub.ID, owner.ID); err != nil {
		t.Fatalf("the owner was removed: %v", err)
	}
	if err := f.hub.Kick(f.ctx, admin, pub.ID, "carol"); err != nil {
		t.Fatalf("an admin kicking a member: %v", err)
	}
}

// TestAttend: a resident takes part in the group rooms it is in, joins a
// public one it is not in (yet, or any more), and stays out of a private
// one it was removed from.
func TestAttend(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	bot := f.user("assistant")
	pub := f.room(alice, "pub", false)
	priv := f.room(alice, "priv", true)
	for _, c := range []struct {
		room protocol.Room
		want bool
	}{{pub, true}, {priv, false}} {
		room, err := f.st.Rooms.ByID(f.ctx, c.room.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.hub.Attend(f.ctx, bot, *room)
		if err != nil || got != c.want {
			t.Errorf("Attend(%s) = %v, %v; want %v", room.Name, got, err, c.want)
		}
		_, err = f.st.Memberships.Get(f.ctx, room.ID, bot.ID)
		if member := err == nil; member != c.want {
			t.Errorf("after Attend(%s) the bot is a member: %v, want %v", room.Name, member, c.want)
		}
	}
	// Once a member, it attends without joining again.
	f.rec.Reset()
	room, _ := f.st.Rooms.ByID(f.ctx, pub.ID)
	if got, err := f.hub.Attend(f.ctx, bot, *room); !got || err != nil {
		t.Errorf("Attend as a member = %v, %v", got, err)
	}
	if got := f.rec.Kinds(); len(got) != 0 {
		t.Errorf("attending as a member caused %v", got)
	}
}

// TestConnectionAccountingIsPerConnection: the hub counts each connection
// id in once and out once, whatever order or repetition the transport
// reports them in, so the gauge and presence never drift.
func TestConnectionAccountingIsPerConnection(t *testing.T) {
	reg := monitoring.NewRegistry()
	f := newHub(t, func(c *rooms.Config) { c.Metrics = reg; c.PresenceGrace = time.Hour })
	alice := f.user("alice")
	gauge := func(name string) float64 {
		mfs, err := reg.Gatherer().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	f.hub.Disconnected(alice, "never-connected")
	f.hub.Connected(alice, "c1", nil)
	f.hub.Connected(alice, "c1", nil) // told twice
	f.hub.Connected(alice, "c2", nil)
	if got := gauge("parley_connections"); got != 2 {
		t.Fatalf("connections = %v, want 2", got)
	}
	f.hub.Disconnected(alice, "c1")
	f.hub.Disconnected(alice, "c1") // told twice
	if got := gauge("parley_connections"); got != 1 || !f.hub.Online(alice.ID) {
		t.Fatalf("after c1 left: connections = %v, online %v; want 1, true", got, f.hub.Online(alice.ID))
	}
	f.hub.Disconnected(alice, "c2")
	if got := gauge("parley_connections"); got != 0 {
		t.Fatalf("connections = %v, want 0", got)
	}
	if got := gauge("parley_users_online"); got != 1 {
		t.Errorf("users online within the grace = %v, want 1", got)
	}
}

// peerHubs passes membership notices to other hubs directly, as the Redis
// bus does between nodes; err, when set, is what every notice answers (the
// notice is still applied: the bus lost the confirmations).
type peerHubs struct {
	hubs []*rooms.Hub
	err  error
}

func (p *peerHubs) MembershipEnded(_ context.Context, roomID, userID string) error {
	for _, h := range p.hubs {
		h.MembershipEndedElsewhere(roomID, userID)
	}
	return p.err
}

func (p *peerHubs) MembershipStarted(_ context.Context, roomID, userID string) error {
	for _, h := range p.hubs {
		h.MembershipStartedElsewhere(roomID, userID)
	}
	return p.err
}

// Two nodes share a store; each remembers the memberships it has read. A
// kick on one must reach the other, or the kicked user could go on posting
// through a socket on the other node.
func TestKickOnOneNodeEndsMembershipOnAnother(t *testing.T) {
	peers := &peerHubs{}
	a := newHub(t, func(c *rooms.Config) { c.Peers = peers })
	b := rooms.New(rooms.Config{Store: a.st, Emitter: parleytest.NewRecorder(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SendBurst: 1000})
	t.Cleanup(b.Close)
	peers.hubs = []*rooms.Hub{b}

	bob, carol := a.user("bob"), a.user("carol")
	pub := a.room(bob, "pub", false)
	if _, _, err := a.hub.Join(a.ctx, carol, pub.ID); err != nil {
		t.Fatal(err)
	}
	send := func(text string) error {
		_, err := b.Send(a.ctx, carol, rooms.SendRequest{Room: pub.ID, Text: text, ClientMsgID: text}, nil)
		return err
	}
	if err := send("through node b"); err != nil {
		t.Fatalf("carol's first send on node b: %v", err)
	}
	if err := a.hub.Kick(a.ctx, bob, pub.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, send("still here?"), parley.CodeForbidden)
	if n := len(a.history(bob, pub.ID)); n != 1 {
		t.Errorf("room has %d messages, want only the one sent before the kick", n)
	}
}

// twoNodes is hub a with a peer hub b on the same store, each with its own
// recording emitter (its sockets).
func twoNodes(t *testing.T) (a *fixture, b *rooms.Hub, bRec *parleytest.Recorder, peers *peerHubs) {
	peers = &peerHubs{}
	a = newHub(t, func(c *rooms.Config) { c.Peers = peers })
	bRec = parleytest.NewRecorder()
	b = rooms.New(rooms.Config{Store: a.st, Emitter: bRec, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SendBurst: 1000})
	t.Cleanup(b.Close)
	peers.hubs = []*rooms.Hub{b}
	return a, b, bRec, peers
}

// A kick makes the kicked user's sockets leave the room on this node and,
// through Peers, on the other, all before Kick returns; a join subscribes
// them on both, before the room hears of the newcomer.
func TestMembershipChangesReachEveryNodesSockets(t *testing.T) {
	a, _, bRec, _ := twoNodes(t)
	bob, carol := a.user("bob"), a.user("carol")
	pub := a.room(bob, "pub", false)
	bRec.Reset()
	if _, _, err := a.hub.Join(a.ctx, carol, pub.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := a.rec.Kinds(), []string{"join", "emit:room:member"}; !reflect.DeepEqual(got, want) {
		t.Errorf("node a on join: %v, want %v", got, want)
	}
	if got, want := bRec.Records(), []parleytest.Record{{Kind: "join", User: carol.ID, Room: pub.ID}}; !reflect.DeepEqual(got, want) {
		t.Errorf("node b on join: %v, want %v", got, want)
	}
	a.rec.Reset()
	bRec.Reset()
	if err := a.hub.Kick(a.ctx, bob, pub.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	if got, want := a.rec.Kinds(), []string{"emit:room:member", "leave"}; !reflect.DeepEqual(got, want) {
		t.Errorf("node a on kick: %v, want %v", got, want)
	}
	if got, want := bRec.Records(), []parleytest.Record{{Kind: "leave", User: carol.ID, Room: pub.ID}}; !reflect.DeepEqual(got, want) {
		t.Errorf("node b on kick: %v, want %v", got, want)
	}
}

// When the other nodes cannot confirm a change, the change is stored and
// applied here, and the client hears UNAVAILABLE rather than a success
// that may not hold on every node.
func TestUnconfirmedMembershipChangeIsUnavailable(t *testing.T) {
	a, _, _, peers := twoNodes(t)
	bob, carol, dave := a.user("bob"), a.user("carol"), a.user("dave")
	pub := a.room(bob, "pub", false)
	if _, _, err := a.hub.Join(a.ctx, carol, pub.ID); err != nil {
		t.Fatal(err)
	}
	peers.err = errors.New("redis: connection refused")
	a.rec.Reset()
	wantCode(t, a.hub.Kick(a.ctx, bob, pub.ID, "carol"), parley.CodeUnavailable)
	if recs := a.rec.Records(); len(recs) == 0 || !reflect.DeepEqual(recs[len(recs)-1], parleytest.Record{Kind: "leave", User: carol.ID, Room: pub.ID}) {
		t.Errorf("node a's sockets after an unconfirmed kick: %v, want carol's leave", a.rec.Kinds())
	}
	if _, err := a.send(carol, pub.ID, "still here?"); parley.CodeOf(err) != parley.CodeForbidden {
		t.Errorf("carol's send after an unconfirmed kick: %v, want FORBIDDEN", err)
	}
	_, _, err := a.hub.Join(a.ctx, dave, pub.ID)
	wantCode(t, err, parley.CodeUnavailable)
	if _, err := a.send(dave, pub.ID, "hi"); err != nil {
		t.Errorf("dave's send after an unconfirmed join: %v", err)
	}
	wantCode(t, a.hub.Leave(a.ctx, dave, pub.ID), parley.CodeUnavailable)
}
