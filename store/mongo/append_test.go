package mongo

import (
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
)

// TestPlanBatch walks one Append attempt without a server: which messages
// get seqs, which are duplicates, which fail, and that the seqs reserved per
// room are exactly the seqs used (no gap for duplicates or failures).
func TestPlanBatch(t *testing.T) {
	msg := func(id, room, sender, cmid string) parley.Message {
		return parley.Message{ID: id, RoomID: room, SenderID: sender, Text: id, ClientMsgID: cmid, CreatedAt: t0}
	}
	stored := []messageDoc{
		{ID: "old1", RoomID: "r1", Seq: 4, SenderID: "ann", Text: "original", ClientMsgID: "c1", CreatedAt: t0},
		{ID: "taken", RoomID: "r1", Seq: 5, SenderID: "bob", Text: "other", CreatedAt: t0},
	}
	batch := []parley.Message{
		0: msg("a", "r1", "ann", "c2"),    // stored: r1 seq 6
		1: msg("b", "r1", "ann", "c1"),    // duplicate of stored old1
		2: msg("c", "ghost", "ann", "c3"), // NOT_FOUND
		3: msg("", "r1", "ann", "c4"),     // BAD_REQUEST
		4: msg("d", "r1", "ann", "c2"),    // duplicate of 0, in batch
		5: msg("taken", "r1", "ann", ""),  // CONFLICT: id taken by a different message
		6: msg("e", "r2", "bob", "c1"),    // stored: r2 seq 1 (bob's c1 is not ann's)
		7: msg("f", "r1", "bob", ""),      // stored: r1 seq 7
		8: msg("old1", "r1", "ann", "c1"), // same-id retry: duplicate of old1
		9: msg("a", "r1", "cy", "c9"),     // CONFLICT: id used earlier in the batch
	}
	p := planBatch(batch, map[string]bool{"r1": true, "r2": true}, stored, nil, t0)
	if p.perRoom["r1"] != 2 || p.perRoom["r2"] != 1 || len(p.perRoom) != 2 {
		t.Fatalf("seqs to reserve = %v, want r1:2 r2:1", p.perRoom)
	}
	if got := p.roomOrder(); len(got) != 2 || got[0] != "r1" || got[1] != "r2" {
		t.Errorf("room order = %v", got)
	}
	// The $inc answered the counters after reserving: r1 was at seq 5 and
	// rev 9 (edits took revs), r2 was empty.
	docs, reads := p.assign(map[string]roomDoc{"r1": {LastSeq: 7, LastRev: 11}, "r2": {LastSeq: 1, LastRev: 1}})
	if len(docs) != 3 {
		t.Fatalf("%d documents to insert, want 3", len(docs))
	}
	wantSeq := map[int][2]int64{0: {6, 10}, 6: {1, 1}, 7: {7, 11}}
	for i, want := range wantSeq {
		r := p.results[i]
		if r.Err != nil || r.Duplicate || r.Message.Seq != want[0] || r.Message.Rev != want[1] || r.Message.ID != batch[i].ID {
			t.Errorf("message %d = %+v, want stored with seq %d and rev %d", i, r, want[0], want[1])
		}
		if r.Message.Mentions == nil {
			t.Errorf("message %d has nil mentions", i)
		}
	}
	for i, wantID := range map[int]string{1: "old1", 4: "a", 8: "old1"} {
		r := p.results[i]
		if !r.Duplicate || r.Err != nil || r.Message.ID != wantID {
			t.Errorf("message %d = %+v, want duplicate of %s", i, r, wantID)
		}
	}
	if p.results[4].Message.Seq != 6 || p.results[1].Message.Seq != 4 || p.results[1].Message.Text != "original" {
		t.Errorf("duplicates carry %+v and %+v, want the originals' seqs 6 and 4", p.results[4].Message, p.results[1].Message)
	}
	for i, want := range map[int]parley.Code{2: parley.CodeNotFound, 3: parley.CodeBadRequest, 5: parley.CodeConflict, 9: parley.CodeConflict} {
		if got := parley.CodeOf(p.results[i].Err); got != want {
			t.Errorf("message %d: %v, want %s", i, p.results[i].Err, want)
		}
	}
	wantReads := map[readAdvance]bool{{"ann", "r1", 6}: true, {"bob", "r2", 1}: true, {"bob", "r1", 7}: true}
	if len(reads) != len(wantReads) {
		t.Fatalf("read cursors %+v, want %v", reads, wantReads)
	}
	for _, r := range reads {
		if !wantReads[r] {
			t.Errorf("unexpected read cursor move %+v", r)
		}
	}
}

// TestPlanBatchNothingToStore: a batch of duplicates and failures reserves
// nothing, so no $inc is sent and no seq is consumed.
func TestPlanBatchNothingToStore(t *testing.T) {
	stored := []messageDoc{{ID: "m1", RoomID: "r1", Seq: 1, SenderID: "ann", ClientMsgID: "c1", CreatedAt: t0}}
	p := planBatch([]parley.Message{
		{ID: "m2", RoomID: "r1", SenderID: "ann", ClientMsgID: "c1"},
		{ID: "m3", RoomID: "nope", SenderID: "ann"},
	}, map[string]bool{"r1": true}, stored, nil, t0)
	if len(p.perRoom) != 0 || len(p.insert) != 0 {
		t.Fatalf("reserves %v for a batch with nothing new", p.perRoom)
	}
	docs, reads := p.assign(nil)
	if len(docs) != 0 || len(reads) != 0 || !p.results[0].Duplicate {
		t.Fatalf("docs %v reads %v results %+v", docs, reads, p.results)
	}
}

func TestBatchKeys(t *testing.T) {
	rooms, ids, keys := batchKeys([]parley.Message{
		{ID: "a", RoomID: "r1", SenderID: "u", ClientMsgID: "c"},
		{ID: "b", RoomID: "r1", SenderID: "u", ClientMsgID: "c"},
		{ID: "c", RoomID: "r2", SenderID: "u"},
		{ID: "", RoomID: "r3", SenderID: "u", ClientMsgID: "x"},
	})
	if len(rooms) != 2 || len(ids) != 3 || len(keys) != 1 || keys[0] != (clientKey{"u", "c"}) {
		t.Errorf("rooms %v ids %v keys %v", rooms, ids, keys)
	}
}

// TestPlanBatchAttachments: store/sqlite's attachment rules, decided in
// memory from the files the batch names.
func TestPlanBatchAttachments(t *testing.T) {
	files := map[string]fileDoc{
		"f1":    {ID: "f1", RoomID: "r1", UploaderID: "ann", Orphan: true},
		"f2":    {ID: "f2", RoomID: "r1", UploaderID: "ann", Orphan: true},
		"f3":    {ID: "f3", RoomID: "r1", UploaderID: "ann", Orphan: true},
		"other": {ID: "other", RoomID: "r2", UploaderID: "ann", Orphan: true},
		"bobs":  {ID: "bobs", RoomID: "r1", UploaderID: "bob", Orphan: true},
		"taken": {ID: "taken", RoomID: "r1", UploaderID: "ann", MessageID: "old"},
	}
	stored := []messageDoc{{ID: "old", RoomID: "r1", Seq: 1, SenderID: "ann", ClientMsgID: "c-old", Attachments: []string{"taken"}, CreatedAt: t0}}
	msg := func(id, cmid string, files ...string) parley.Message {
		return parley.Message{ID: id, RoomID: "r1", SenderID: "ann", ClientMsgID: cmid, Attachments: files, CreatedAt: t0}
	}
	many := make([]string, parley.MaxAttachments+1)
	for i := range many {
		many[i] = "f1"
	}
	batch := []parley.Message{
		0:  msg("a", "c1", "f2", "f1"), // stored, in the sender's order
		1:  msg("b", "", "f1"),         // f1 claimed by a in this batch
		2:  msg("c", "", "nope"),       // unknown
		3:  msg("d", "", "other"),      // another room's
		4:  msg("e", "", "bobs"),       // bob's upload
		5:  msg("f", "", "taken"),      // attached before
		6:  msg("g", "", "f3", "f3"),   // twice
		7:  msg("h", "", many...),      // too many
		8:  msg("i", "c-old", "f3"),    // retry of old: duplicate, f3 untouched
		9:  msg("j", "c1", "f3"),       // in-batch retry of a: duplicate
		10: msg("old", "", "f3"),       // id conflict: f3 not claimed
		11: msg("k", "", "f3"),         // stored: f3 still free
	}
	p := planBatch(batch, map[string]bool{"r1": true}, stored, files, t0)
	for i, want := range map[int]string{1: "attached", 2: "exist", 3: "room", 4: "someone else", 5: "attached", 6: "twice", 7: "at most"} {
		if err := p.results[i].Err; parley.CodeOf(err) != parley.CodeBadRequest || !strings.Contains(err.Error(), want) {
			t.Errorf("message %d: %v, want BAD_REQUEST saying %q", i, err, want)
		}
	}
	if parley.CodeOf(p.results[10].Err) != parley.CodeConflict {
		t.Errorf("message 10: %v, want CONFLICT", p.results[10].Err)
	}
	if !slices.Equal(p.insert, []int{0, 11}) || p.perRoom["r1"] != 2 {
		t.Fatalf("stores %v (%v seqs), want messages 0 and 11", p.insert, p.perRoom)
	}
	docs, _ := p.assign(map[string]roomDoc{"r1": {LastSeq: 3, LastRev: 3}})
	if got := docs[0].(messageDoc).Attachments; !slices.Equal(got, []string{"f2", "f1"}) {
		t.Errorf("stored attachments %v, want f2, f1", got)
	}
	if !p.results[8].Duplicate || p.results[8].Message.ID != "old" || !p.results[9].Duplicate || p.results[9].Message.ID != "a" {
		t.Errorf("retries = %+v and %+v, want duplicates of old and a", p.results[8], p.results[9])
	}
	if got := p.results[11].Message.Attachments; !slices.Equal(got, []string{"f3"}) {
		t.Errorf("message 11 attachments %v", got)
	}
}
