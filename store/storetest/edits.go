package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var editTests = []test{
	{"Edits/AppendTakesRevs", testAppendTakesRevs},
	{"Edits/EditReplacesText", testEdit},
	{"Edits/EditRefusesMissingAndDeleted", testEditNotFound},
	{"Edits/ReactionsAddAndRemove", testReactions},
	{"Edits/ReactionKindsAreBounded", testReactionKinds},
	{"Edits/DeleteTakesOneRev", testDeleteTakesRev},
	{"Edits/ChangesBelowCursor", testChanges},
}

// revsOf lists the revs of msgs, for messages.
func revsOf(msgs []parley.Message) []int64 {
	r := make([]int64, len(msgs))
	for i, m := range msgs {
		r[i] = m.Rev
	}
	return r
}

func testAppendTakesRevs(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	if got := lastRev(t, s, r.ID); got != 0 {
		t.Fatalf("new room lastRev = %d, want 0", got)
	}
	res := appendOK(t, s, newMsg(r, u, "one", ""), newMsg(r, u, "two", ""))
	if res[0].Message.Rev != 1 || res[1].Message.Rev != 2 {
		t.Fatalf("revs of a first batch = %d, %d, want 1, 2", res[0].Message.Rev, res[1].Message.Rev)
	}
	if got := lastChange(t, s, r.ID); got != 0 {
		t.Fatalf("lastChange after appends only = %d, want 0", got)
	}
	if _, err := s.Edits.Edit(ctx(t), r.ID, res[0].Message.ID, "one!", nil, baseTime); err != nil {
		t.Fatal(err)
	}
	next := appendOK(t, s, newMsg(r, u, "three", ""))[0].Message
	if got := lastChange(t, s, r.ID); got != 3 {
		t.Fatalf("lastChange after an edit at rev 3 and an append = %d, want 3", got)
	}
	if next.Seq != 3 || next.Rev != 4 {
		t.Fatalf("append after an edit: seq %d rev %d, want seq 3 rev 4", next.Seq, next.Rev)
	}
	if got := lastRev(t, s, r.ID); got != 4 {
		t.Fatalf("room lastRev = %d, want 4", got)
	}
	got, err := s.Messages.Get(ctx(t), r.ID, next.ID)
	must(t, err)
	if got.Rev != 4 || len(got.Reactions) != 0 || got.Reactions == nil || !got.EditedAt.IsZero() {
		t.Fatalf("stored message = %+v, want rev 4, no reactions ([]), never edited", got)
	}
}

func testEdit(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	msgs := appendN(t, s, r, u, 3)
	at := baseTime.Add(time.Minute + 1234567*time.Nanosecond)
	ed, err := s.Edits.Edit(ctx(t), r.ID, msgs[1].ID, "now with @bob", []string{"bob"}, at)
	must(t, err)
	want := msgs[1]
	want.Text, want.Mentions, want.EditedAt = "now with @bob", []string{"bob"}, parley.Millis(at)
	if !sameMessage(*ed, want) || ed.Rev != 4 {
		t.Fatalf("Edit = %+v (rev %d), want %+v at rev 4", *ed, ed.Rev, want)
	}
	got, err := s.Messages.Get(ctx(t), r.ID, msgs[1].ID)
	must(t, err)
	if !sameMessage(*got, want) || got.Rev != 4 {
		t.Fatalf("Get after Edit = %+v", *got)
	}
	if lastSeq(t, s, r.ID) != 3 || lastRev(t, s, r.ID) != 4 {
		t.Fatalf("room after an edit: lastSeq %d lastRev %d, want 3 and 4", lastSeq(t, s, r.ID), lastRev(t, s, r.ID))
	}
	// Editing leaves the other messages alone.
	page, _, err := s.Messages.History(ctx(t), r.ID, 0, 10)
	must(t, err)
	if page[0].Text != msgs[0].Text || page[2].Text != msgs[2].Text || page[1].Text != "now with @bob" {
		t.Fatalf("history after an edit: %+v", page)
	}
}

func testEditNotFound(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)
	msgs := appendN(t, s, r, u, 2)
	_, err := s.Edits.Edit(ctx(t), r.ID, parley.NewID(), "x", nil, baseTime)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Edits.Edit(ctx(t), other.ID, msgs[0].ID, "x", nil, baseTime)
	wantCode(t, err, parley.CodeNotFound)
	_, err = s.Messages.Delete(ctx(t), r.ID, msgs[1].ID)
	must(t, err)
	rev := lastRev(t, s, r.ID)
	_, err = s.Edits.Edit(ctx(t), r.ID, msgs[1].ID, "back from the dead", nil, baseTime)
	wantCode(t, err, parley.CodeNotFound)
	_, _, err = s.Edits.React(ctx(t), r.ID, msgs[1].ID, u.ID, "👍", true)
	wantCode(t, err, parley.CodeNotFound)
	if got := lastRev(t, s, r.ID); got != rev {
		t.Fatalf("refused changes moved lastRev from %d to %d", rev, got)
	}
	got, err := s.Messages.Get(ctx(t), r.ID, msgs[1].ID)
	must(t, err)
	if got.Text != "" || !got.Deleted || len(got.Reactions) != 0 {
		t.Fatalf("deleted message after refused changes = %+v", got)
	}
}

func testReactions(t *testing.T, s *store.Store) {
	ann := newUser(t, s, "ann")
	bob := newUser(t, s, "bob")
	r := newRoom(t, s, "room", ann, false)
	m := appendN(t, s, r, ann, 1)[0]
	react := func(u parley.User, emoji string, add, wantChanged bool) *parley.Message {
		t.Helper()
		got, changed, err := s.Edits.React(ctx(t), r.ID, m.ID, u.ID, emoji, add)
		must(t, err)
		if changed != wantChanged {
			t.Fatalf("React(%s, %s, add=%v) changed = %v, want %v", u.Username, emoji, add, changed, wantChanged)
		}
		return got
	}
	react(ann, "👍", true, true)
	react(bob, ":tada:", true, true)
	got := react(bob, "👍", true, true)
	want := []parley.Reaction{{Emoji: "👍", UserIDs: []string{ann.ID, bob.ID}}, {Emoji: ":tada:", UserIDs: []string{bob.ID}}}
	if !sameReactions(got.Reactions, want) || got.Rev != 4 {
		t.Fatalf("reactions = %+v at rev %d, want %+v at rev 4", got.Reactions, got.Rev, want)
	}
	// Again, or removing what is not there: nothing changes, no rev.
	react(bob, "👍", true, false)
	react(ann, ":tada:", false, false)
	react(ann, "🎉", false, false)
	if got, change := lastRev(t, s, r.ID), lastChange(t, s, r.ID); got != 4 || change != 4 {
		t.Fatalf("after no-op reactions: lastRev %d lastChange %d, want 4 and 4", got, change)
	}
	got = react(ann, "👍", false, true)
	want = []parley.Reaction{{Emoji: "👍", UserIDs: []string{bob.ID}}, {Emoji: ":tada:", UserIDs: []string{bob.ID}}}
	if !sameReactions(got.Reactions, want) {
		t.Fatalf("after ann takes back 👍: %+v, want %+v", got.Reactions, want)
	}
	// The last user leaving an emoji takes it off the message.
	got = react(bob, "👍", false, true)
	stored, err := s.Messages.Get(ctx(t), r.ID, m.ID)
	must(t, err)
	want = []parley.Reaction{{Emoji: ":tada:", UserIDs: []string{bob.ID}}}
	if !sameReactions(got.Reactions, want) || !sameReactions(stored.Reactions, want) || stored.Text != m.Text {
		t.Fatalf("after the last 👍 goes: %+v (stored %+v), want %+v", got.Reactions, stored.Reactions, want)
	}
	_, _, err = s.Edits.React(ctx(t), r.ID, parley.NewID(), ann.ID, "👍", true)
	wantCode(t, err, parley.CodeNotFound)
}

func testReactionKinds(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	m := appendN(t, s, r, u, 1)[0]
	for i := range parley.MaxReactionKinds {
		_, _, err := s.Edits.React(ctx(t), r.ID, m.ID, u.ID, fmt.Sprintf(":e%d:", i), true)
		must(t, err)
	}
	_, _, err := s.Edits.React(ctx(t), r.ID, m.ID, u.ID, ":one-too-many:", true)
	wantCode(t, err, parley.CodeBadRequest)
	// An emoji already there still takes more people.
	other := newUser(t, s, "bob")
	got, changed, err := s.Edits.React(ctx(t), r.ID, m.ID, other.ID, ":e0:", true)
	must(t, err)
	if !changed || len(got.Reactions) != parley.MaxReactionKinds || len(got.Reactions[0].UserIDs) != 2 {
		t.Fatalf("reacting with an existing emoji at the bound: changed=%v %+v", changed, got.Reactions)
	}
}

func testDeleteTakesRev(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	m := appendN(t, s, r, u, 2)[0]
	_, _, err := s.Edits.React(ctx(t), r.ID, m.ID, u.ID, "👍", true)
	must(t, err)
	del, err := s.Messages.Delete(ctx(t), r.ID, m.ID)
	must(t, err)
	if del.Rev != 4 || len(del.Reactions) != 0 || !del.Deleted {
		t.Fatalf("Delete = %+v, want a tombstone without reactions at rev 4", del)
	}
	again, err := s.Messages.Delete(ctx(t), r.ID, m.ID)
	must(t, err)
	if again.Rev != 4 || lastRev(t, s, r.ID) != 4 || lastChange(t, s, r.ID) != 4 {
		t.Fatalf("a second Delete took a rev: message rev %d, room lastRev %d", again.Rev, lastRev(t, s, r.ID))
	}
}

func testChanges(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	other := newRoom(t, s, "other", u, false)
	msgs := appendN(t, s, r, u, 5) // seqs and revs 1..5
	appendN(t, s, other, u, 1)
	changes := func(afterRev, upTo int64, limit int) ([]int64, bool) {
		t.Helper()
		got, more, err := s.Edits.Changes(ctx(t), r.ID, afterRev, upTo, limit)
		must(t, err)
		return seqsOf(got), more
	}
	if got, more := changes(0, 5, 10); len(got) != 0 || more {
		t.Fatalf("changes of a room nobody changed = %v (more %v), want none", got, more)
	}
	_, err := s.Edits.Edit(ctx(t), r.ID, msgs[1].ID, "edited", nil, baseTime) // rev 6
	must(t, err)
	_, _, err = s.Edits.React(ctx(t), r.ID, msgs[3].ID, u.ID, "👍", true) // rev 7
	must(t, err)
	_, err = s.Messages.Delete(ctx(t), r.ID, msgs[2].ID) // rev 8
	must(t, err)
	appendOK(t, s, newMsg(r, u, "new", ""))                                        // seq 6, rev 9: new, not a change
	_, err = s.Edits.Edit(ctx(t), r.ID, msgs[1].ID, "edited again", nil, baseTime) // rev 10
	must(t, err)

	// A client that holds seqs 1..5 as of rev 5 gets each changed message
	// once, in its current state, in rev order.
	if seqs, more := changes(5, 5, 10); !slices.Equal(seqs, []int64{4, 3, 2}) || more {
		t.Fatalf("changes after rev 5 up to seq 5 = %v (more %v), want seqs 4, 3, 2", seqs, more)
	}
	all, _, err := s.Edits.Changes(ctx(t), r.ID, 5, 5, 10)
	must(t, err)
	if !slices.Equal(revsOf(all), []int64{7, 8, 10}) || all[2].Text != "edited again" || !all[1].Deleted {
		t.Fatalf("changes = %+v, want revs 7, 8, 10 with current state", all)
	}
	if seqs, _ := changes(7, 5, 10); !slices.Equal(seqs, []int64{3, 2}) {
		t.Fatalf("changes after rev 7 = %v, want seqs 3, 2", seqs)
	}
	if seqs, _ := changes(5, 3, 10); !slices.Equal(seqs, []int64{3, 2}) {
		t.Fatalf("changes up to seq 3 = %v, want seqs 3, 2 (seq 4 is above the cursor)", seqs)
	}
	if seqs, more := changes(5, 5, 2); !slices.Equal(seqs, []int64{4, 3}) || !more {
		t.Fatalf("changes limited to 2 = %v (more %v), want seqs 4, 3 and more", seqs, more)
	}
	if seqs, more := changes(10, 6, 10); len(seqs) != 0 || more {
		t.Fatalf("changes after the last rev = %v (more %v), want none", seqs, more)
	}
	if got, _, err := s.Edits.Changes(ctx(t), other.ID, 0, 10, 10); err != nil || len(got) != 0 {
		t.Fatalf("changes of the other room = %v, %v, want none", got, err)
	}
}

func lastChange(t *testing.T, s *store.Store, roomID string) int64 {
	t.Helper()
	r, err := s.Rooms.ByID(ctx(t), roomID)
	must(t, err)
	mine, err := s.Memberships.RoomsOf(ctx(t), r.OwnerID)
	must(t, err)
	for _, ur := range mine {
		if ur.Room.ID == roomID && ur.Room.LastChange != r.LastChange {
			t.Fatalf("RoomsOf says lastChange %d, ByID %d", ur.Room.LastChange, r.LastChange)
		}
	}
	return r.LastChange
}

func sameReactions(a, b []parley.Reaction) bool {
	return slices.EqualFunc(a, b, func(x, y parley.Reaction) bool {
		return x.Emoji == y.Emoji && slices.Equal(x.UserIDs, y.UserIDs)
	})
}
