package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var messageTests = []test{
	{"Messages/AppendAssignsSeqs", testAppendSeqs},
	{"Messages/AppendStoresFields", testAppendFields},
	{"Messages/DuplicateAcrossBatches", testDuplicateAcrossBatches},
	{"Messages/DuplicateWithinBatch", testDuplicateWithinBatch},
	{"Messages/PerMessageErrors", testAppendPerMessageErrors},
	{"Messages/SenderReadCursorAdvances", testAppendAdvancesReadCursor},
	{"Messages/HistoryPages", testHistory},
	{"Messages/AfterPages", testAfter},
	{"Messages/DeleteLeavesTombstone", testDelete},
	{"Messages/GetNotFound", testGetNotFound},
}

func testAppendSeqs(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)

	var batch []parley.Message
	for i := range 5 {
		batch = append(batch, newMsg(r, u, fmt.Sprint("m", i), ""))
	}
	batch = append(batch, newMsg(other, u, "elsewhere", ""))
	res := appendOK(t, s, batch...)
	for i := range 5 {
		if res[i].Message.Seq != int64(i+1) || res[i].Duplicate {
			t.Fatalf("message %d: seq %d duplicate=%v, want seq %d", i, res[i].Message.Seq, res[i].Duplicate, i+1)
		}
	}
	if res[5].Message.Seq != 1 {
		t.Fatalf("first message of another room got seq %d, want 1", res[5].Message.Seq)
	}

	res = appendOK(t, s, newMsg(r, u, "next", ""), newMsg(r, u, "and next", ""))
	if res[0].Message.Seq != 6 || res[1].Message.Seq != 7 {
		t.Fatalf("second batch got seqs %d, %d, want 6, 7", res[0].Message.Seq, res[1].Message.Seq)
	}
	if got := lastSeq(t, s, r.ID); got != 7 {
		t.Fatalf("room lastSeq = %d, want 7", got)
	}
	if got := lastSeq(t, s, other.ID); got != 1 {
		t.Fatalf("other room lastSeq = %d, want 1", got)
	}

	empty, err := s.Messages.Append(ctx(t), nil)
	must(t, err)
	if len(empty) != 0 {
		t.Fatalf("Append(nil) = %v", empty)
	}
}

func testAppendFields(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	m := newMsg(r, u, "hello @bob and @assistant", "client-1")
	m.Mentions = []string{"bob", "assistant"}
	m.StreamID = "stream-9"
	m.ReplyTo = parley.NewID() // the store keeps it; the hub checks it names a message
	res := appendOK(t, s, m)
	stored := res[0].Message

	want := m
	want.Seq = 1
	if !sameMessage(stored, want) {
		t.Fatalf("Append result = %+v, want %+v", stored, want)
	}
	got, err := s.Messages.Get(ctx(t), r.ID, m.ID)
	must(t, err)
	if !sameMessage(*got, want) {
		t.Fatalf("Get = %+v, want %+v", *got, want)
	}

	// No mentions reads back as an empty list, not nil, so it serialises
	// as [] on the wire.
	plain := newMsg(r, u, "plain", "")
	plain.Mentions = nil
	appendOK(t, s, plain)
	got, err = s.Messages.Get(ctx(t), r.ID, plain.ID)
	must(t, err)
	if got.Mentions == nil || len(got.Mentions) != 0 {
		t.Fatalf("mentions of a message without any = %#v, want []string{}", got.Mentions)
	}
}

func sameMessage(a, b parley.Message) bool {
	return a.ID == b.ID && a.RoomID == b.RoomID && a.Seq == b.Seq && a.SenderID == b.SenderID &&
		a.Text == b.Text && slices.Equal(a.Mentions, b.Mentions) && a.ClientMsgID == b.ClientMsgID &&
		a.StreamID == b.StreamID && a.Deleted == b.Deleted && a.CreatedAt.Equal(b.CreatedAt) &&
		a.ReplyTo == b.ReplyTo && a.EditedAt.Equal(b.EditedAt) && slices.Equal(a.Attachments, b.Attachments)
}

func testDuplicateAcrossBatches(t *testing.T, s *store.Store) {
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	r := newRoom(t, s, "room", ann, false)
	first := appendOK(t, s, newMsg(r, ann, "original", "c1"))[0].Message

	// A retry with a fresh message id and different text.
	retry := newMsg(r, ann, "retried", "c1")
	res := appendOK(t, s, retry)[0]
	if !res.Duplicate || res.Message.ID != first.ID || res.Message.Seq != 1 || res.Message.Text != "original" {
		t.Fatalf("retry = %+v, want the original (id %s, seq 1) as duplicate", res, first.ID)
	}
	// A retry that reuses the message id too.
	res = appendOK(t, s, newMsgWithID(first))[0]
	if !res.Duplicate || res.Message.ID != first.ID || res.Message.Seq != 1 {
		t.Fatalf("same-id retry = %+v, want the original as duplicate", res)
	}
	_, err := s.Messages.Get(ctx(t), r.ID, retry.ID)
	wantCode(t, err, parley.CodeNotFound)

	// The same clientMsgId from another sender is a different message, and
	// the duplicates consumed no seq.
	res = appendOK(t, s, newMsg(r, bob, "bob's", "c1"))[0]
	if res.Duplicate || res.Message.Seq != 2 {
		t.Fatalf("bob's c1 = seq %d duplicate=%v, want seq 2, not duplicate", res.Message.Seq, res.Duplicate)
	}
	// An empty clientMsgId never de-duplicates.
	a := appendOK(t, s, newMsg(r, ann, "x", ""))[0]
	b := appendOK(t, s, newMsg(r, ann, "x", ""))[0]
	if a.Duplicate || b.Duplicate || a.Message.Seq != 3 || b.Message.Seq != 4 {
		t.Fatalf("messages without clientMsgId: %+v, %+v", a, b)
	}
	msgs, _, err := s.Messages.After(ctx(t), r.ID, 0, 100)
	must(t, err)
	wantSeqs(t, msgs, 1, 4)
}

func newMsgWithID(m parley.Message) parley.Message {
	m.Seq = 0
	m.Text = "retried with the same id"
	return m
}

func testDuplicateWithinBatch(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	res := appendOK(t, s,
		newMsg(r, u, "first", "same"),
		newMsg(r, u, "second try", "same"),
		newMsg(r, u, "other", "different"),
	)
	if res[0].Duplicate || res[0].Message.Seq != 1 {
		t.Fatalf("first = %+v", res[0])
	}
	if !res[1].Duplicate || res[1].Message.ID != res[0].Message.ID || res[1].Message.Seq != 1 || res[1].Message.Text != "first" {
		t.Fatalf("in-batch duplicate = %+v, want the first as duplicate", res[1])
	}
	if res[2].Duplicate || res[2].Message.Seq != 2 {
		t.Fatalf("third = %+v, want seq 2", res[2])
	}
	if got := lastSeq(t, s, r.ID); got != 2 {
		t.Fatalf("lastSeq = %d, want 2", got)
	}
}

func testAppendPerMessageErrors(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	taken := appendOK(t, s, newMsg(r, u, "taken", ""))[0].Message

	ghostRoom := newMsg(parley.Room{ID: parley.NewID()}, u, "nowhere", "g1")
	noID := newMsg(r, u, "no id", "n1")
	noID.ID = ""
	noSender := newMsg(r, u, "no sender", "s1")
	noSender.SenderID = ""
	sameID := newMsg(r, u, "reused id", "")
	sameID.ID = taken.ID
	ok1, ok2 := newMsg(r, u, "ok 1", "o1"), newMsg(r, u, "ok 2", "o2")

	res, err := s.Messages.Append(ctx(t), []parley.Message{ok1, ghostRoom, noID, noSender, sameID, ok2})
	must(t, err)
	wantCodes := []parley.Code{"", parley.CodeNotFound, parley.CodeBadRequest, parley.CodeBadRequest, parley.CodeConflict, ""}
	for i, want := range wantCodes {
		if got := parley.CodeOf(res[i].Err); got != want {
			t.Fatalf("message %d: error %v, want code %q", i, res[i].Err, want)
		}
	}
	if res[0].Message.Seq != 2 || res[5].Message.Seq != 3 {
		t.Fatalf("stored messages got seqs %d, %d, want 2, 3 (no gap for the failures)", res[0].Message.Seq, res[5].Message.Seq)
	}
	msgs, _, err := s.Messages.After(ctx(t), r.ID, 0, 100)
	must(t, err)
	wantSeqs(t, msgs, 1, 3)
	if msgs[0].Text != "taken" {
		t.Fatalf("the conflicting message overwrote seq 1: %q", msgs[0].Text)
	}
	// The failed room-less message left nothing: resending it to a real
	// room stores it afresh.
	ghostRoom.RoomID = r.ID
	again := appendOK(t, s, ghostRoom)[0]
	if again.Duplicate || again.Message.Seq != 4 {
		t.Fatalf("resent message = %+v, want new seq 4", again)
	}
}

func testAppendAdvancesReadCursor(t *testing.T, s *store.Store) {
	ann, bob, outsider := newUser(t, s, "ann"), newUser(t, s, "bob"), newUser(t, s, "out")
	r := newRoom(t, s, "room", ann, false)
	join(t, s, r, bob)

	appendN(t, s, r, bob, 2)
	res := appendOK(t, s, newMsg(r, ann, "a", ""), newMsg(r, bob, "b", ""), newMsg(r, ann, "c", ""))
	if res[2].Message.Seq != 5 {
		t.Fatalf("seq = %d, want 5", res[2].Message.Seq)
	}
	for _, c := range []struct {
		u    parley.User
		want int64
	}{{ann, 5}, {bob, 4}} {
		m, err := s.Memberships.Get(ctx(t), r.ID, c.u.ID)
		must(t, err)
		if m.ReadSeq != c.want {
			t.Fatalf("%s's readSeq = %d, want %d", c.u.Username, m.ReadSeq, c.want)
		}
	}

	// A sender who is not a member (a bot posting by id) gets no membership.
	appendOK(t, s, newMsg(r, outsider, "drive-by", ""))
	_, err := s.Memberships.Get(ctx(t), r.ID, outsider.ID)
	wantCode(t, err, parley.CodeNotFound)
}

func testHistory(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	appendN(t, s, r, u, 60)
	history := func(before int64, limit int) ([]parley.Message, bool, error) {
		return s.Messages.History(ctx(t), r.ID, before, limit)
	}

	page := wantPage(t, "newest page")(history(0, 10))(51, 60, true)
	if page[0].Text != "message 51" {
		t.Fatalf("seq 51 text = %q", page[0].Text)
	}
	wantPage(t, "middle page")(history(51, 45))(6, 50, true)
	wantPage(t, "oldest page")(history(6, 10))(1, 5, false)
	wantPage(t, "page ending exactly at seq 1")(history(11, 10))(1, 10, false)
	wantPage(t, "before seq 1")(history(1, 10))(1, 0, false)
	wantPage(t, "limit 0: the default page of 50")(history(0, 0))(11, 60, true)

	empty := newRoom(t, s, "empty", u, false)
	wantPage(t, "empty room")(s.Messages.History(ctx(t), empty.ID, 0, 10))(1, 0, false)
}

func testAfter(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	appendN(t, s, r, u, 25)
	after := func(seq int64, limit int) ([]parley.Message, bool, error) {
		return s.Messages.After(ctx(t), r.ID, seq, limit)
	}

	wantPage(t, "After(0, 10)")(after(0, 10))(1, 10, true)
	wantPage(t, "After(15, 10) reaching the newest")(after(15, 10))(16, 25, false)
	wantPage(t, "After(lastSeq)")(after(25, 10))(1, 0, false)
	wantPage(t, "After(0, 0): the default page")(after(0, 0))(1, 25, false)
}

// wantPage checks a History/After answer: seqs from..to (to < from: none)
// and hasMore. It is curried so a call's three results pass straight in.
func wantPage(t *testing.T, what string) func([]parley.Message, bool, error) func(from, to int64, more bool) []parley.Message {
	return func(page []parley.Message, more bool, err error) func(int64, int64, bool) []parley.Message {
		return func(from, to int64, wantMore bool) []parley.Message {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			wantSeqs(t, page, from, to)
			if more != wantMore {
				t.Fatalf("%s: hasMore = %v, want %v", what, more, wantMore)
			}
			return page
		}
	}
}

func testDelete(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	msgs := appendN(t, s, r, u, 2)
	mention := newMsg(r, u, "hi @bob", "c3")
	mention.Mentions = []string{"bob"}
	target := appendOK(t, s, mention)[0].Message

	del, err := s.Messages.Delete(ctx(t), r.ID, target.ID)
	must(t, err)
	want := target
	want.Text, want.Mentions, want.Deleted = "", []string{}, true
	if !sameMessage(*del, want) {
		t.Fatalf("Delete = %+v, want tombstone %+v", *del, want)
	}
	got, err := s.Messages.Get(ctx(t), r.ID, target.ID)
	must(t, err)
	if !sameMessage(*got, want) {
		t.Fatalf("Get after Delete = %+v", *got)
	}
	page, _, err := s.Messages.History(ctx(t), r.ID, 0, 10)
	must(t, err)
	wantSeqs(t, page, 1, 3)
	if !page[2].Deleted || page[2].Text != "" || page[0].Deleted || page[0].Text != msgs[0].Text {
		t.Fatalf("history after delete: %+v", page)
	}

	// Twice is fine, and the log does not move.
	again, err := s.Messages.Delete(ctx(t), r.ID, target.ID)
	must(t, err)
	if !sameMessage(*again, want) {
		t.Fatalf("second Delete = %+v", *again)
	}
	if got := lastSeq(t, s, r.ID); got != 3 {
		t.Fatalf("lastSeq after delete = %d, want 3", got)
	}
	// A late retry of the deleted send does not bring it back.
	res := appendOK(t, s, newMsg(r, u, "hi @bob", "c3"))[0]
	if !res.Duplicate || res.Message.ID != target.ID || !res.Message.Deleted {
		t.Fatalf("retry of a deleted message = %+v, want the tombstone as duplicate", res)
	}

	_, err = s.Messages.Delete(ctx(t), r.ID, parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
	other := newRoom(t, s, "other", u, false)
	_, err = s.Messages.Delete(ctx(t), other.ID, msgs[0].ID)
	wantCode(t, err, parley.CodeNotFound)
	got, err = s.Messages.Get(ctx(t), r.ID, msgs[0].ID)
	must(t, err)
	if got.Deleted {
		t.Fatal("Delete through the wrong room deleted the message")
	}
}

func testGetNotFound(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)
	m := appendOK(t, s, newMsg(r, u, "here", ""))[0].Message
	_, err := s.Messages.Get(ctx(t), other.ID, m.ID)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Messages.Get(ctx(t), r.ID, parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
}
