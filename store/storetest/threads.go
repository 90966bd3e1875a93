package storetest

import (
	"slices"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var threadTests = []test{
	{"Threads/RepliesInOrder", testReplies},
	{"Threads/ByIDs", testByIDs},
}

func testReplies(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)
	root := appendN(t, s, r, u, 1)[0]
	var batch []parley.Message
	for i, text := range []string{"first", "aside", "second", "third"} {
		m := newMsg(r, u, text, "")
		if i != 1 {
			m.ReplyTo = root.ID
		}
		batch = append(batch, m)
	}
	appendOK(t, s, batch...) // seqs 2..5; 3 is no reply
	stray := newMsg(other, u, "same id elsewhere", "")
	stray.ReplyTo = root.ID
	appendOK(t, s, stray)

	got, more, err := s.Threads.Replies(ctx(t), r.ID, root.ID, 0, 10)
	must(t, err)
	if !slices.Equal(seqsOf(got), []int64{2, 4, 5}) || more || got[0].ReplyTo != root.ID || got[1].Text != "second" {
		t.Fatalf("replies = %+v (more %v), want seqs 2, 4, 5", got, more)
	}
	got, more, err = s.Threads.Replies(ctx(t), r.ID, root.ID, 2, 1)
	must(t, err)
	if !slices.Equal(seqsOf(got), []int64{4}) || !more {
		t.Fatalf("replies after seq 2, one at a time = %v (more %v), want seq 4 and more", seqsOf(got), more)
	}
	got, more, err = s.Threads.Replies(ctx(t), r.ID, parley.NewID(), 0, 10)
	must(t, err)
	if len(got) != 0 || more {
		t.Fatalf("replies to an unknown message = %v, want none", got)
	}
}

func testByIDs(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)
	msgs := appendN(t, s, r, u, 3)
	elsewhere := appendN(t, s, other, u, 1)[0]
	got, err := s.Threads.ByIDs(ctx(t), r.ID, []string{msgs[2].ID, parley.NewID(), msgs[0].ID, elsewhere.ID})
	must(t, err)
	slices.SortFunc(got, func(a, b parley.Message) int { return int(a.Seq - b.Seq) })
	if !slices.Equal(seqsOf(got), []int64{1, 3}) || got[1].Text != msgs[2].Text {
		t.Fatalf("ByIDs = %+v, want seqs 1 and 3 of the room only", got)
	}
	none, err := s.Threads.ByIDs(ctx(t), r.ID, nil)
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("ByIDs(nil) = %v", none)
	}
}
