package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var attachmentTests = []test{
	{"Attachments/StoredAndReadOnEveryPath", testAttachmentsRead},
	{"Attachments/InvalidRejectPerMessage", testAttachmentsInvalid},
	{"Attachments/DuplicateTouchesNoFile", testAttachmentsDuplicate},
	{"Attachments/DeleteReleasesFiles", testAttachmentsDelete},
}

// fileOf fetches a file's current metadata.
func fileOf(t *testing.T, s *store.Store, id string) parley.File {
	t.Helper()
	f, err := s.Files.Get(ctx(t), id)
	must(t, err)
	return *f
}

func wantAttached(t *testing.T, s *store.Store, f parley.File, messageID string) {
	t.Helper()
	want := f
	want.MessageID = messageID
	got := fileOf(t, s, f.ID)
	wantFile(t, &got, want)
}

func wantAttachments(t *testing.T, what string, m parley.Message, ids ...string) {
	t.Helper()
	if ids == nil {
		ids = []string{}
	}
	if m.Attachments == nil || !slices.Equal(m.Attachments, ids) {
		t.Fatalf("%s: attachments %#v, want %#v", what, m.Attachments, ids)
	}
}

func testAttachmentsRead(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f1 := createFile(t, s, newFile(r, u, "one.png", 10, baseTime))
	f2 := createFile(t, s, newFile(r, u, "two.pdf", 20, baseTime))
	root := appendN(t, s, r, u, 1)[0]
	wantAttachments(t, "a message without files", root)

	m := newMsg(r, u, "two files", "c-files")
	m.Attachments = []string{f2.ID, f1.ID} // the sender's order, not the ids'
	m.ReplyTo = root.ID
	stored := appendOK(t, s, m)[0].Message
	wantAttachments(t, "Append result", stored, f2.ID, f1.ID)
	wantAttached(t, s, f1, stored.ID)
	wantAttached(t, s, f2, stored.ID)
	orphans, err := s.Files.Orphans(ctx(t), baseTime.Add(48*time.Hour), 10)
	must(t, err)
	if len(orphans) != 0 {
		t.Fatalf("Orphans = %v, want none: both files are attached", names(orphans))
	}

	got, err := s.Messages.Get(ctx(t), r.ID, stored.ID)
	must(t, err)
	wantAttachments(t, "Get", *got, f2.ID, f1.ID)
	page, _, err := s.Messages.History(ctx(t), r.ID, 0, 10)
	must(t, err)
	wantSeqs(t, page, 1, 2)
	wantAttachments(t, "History", page[1], f2.ID, f1.ID)
	wantAttachments(t, "History, the message without", page[0])
	page, _, err = s.Messages.After(ctx(t), r.ID, 1, 10)
	must(t, err)
	wantSeqs(t, page, 2, 2)
	wantAttachments(t, "After", page[0], f2.ID, f1.ID)
	page, _, err = s.Threads.Replies(ctx(t), r.ID, root.ID, 0, 10)
	must(t, err)
	wantSeqs(t, page, 2, 2)
	wantAttachments(t, "Replies", page[0], f2.ID, f1.ID)
	page, err = s.Threads.ByIDs(ctx(t), r.ID, []string{stored.ID})
	must(t, err)
	wantSeqs(t, page, 2, 2)
	wantAttachments(t, "Threads.ByIDs", page[0], f2.ID, f1.ID)

	// Changes keep the files: an edit changes the text only.
	edited, err := s.Edits.Edit(ctx(t), r.ID, stored.ID, "two files, edited", nil, baseTime.Add(time.Minute))
	must(t, err)
	wantAttachments(t, "Edit result", *edited, f2.ID, f1.ID)
	reacted, _, err := s.Edits.React(ctx(t), r.ID, stored.ID, u.ID, "👍", true)
	must(t, err)
	wantAttachments(t, "React result", *reacted, f2.ID, f1.ID)
	page, _, err = s.Edits.Changes(ctx(t), r.ID, 0, 2, 10)
	must(t, err)
	wantSeqs(t, page, 2, 2)
	wantAttachments(t, "Changes", page[0], f2.ID, f1.ID)
}

func testAttachmentsInvalid(t *testing.T, s *store.Store) {
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	r := newRoom(t, s, "room", ann, false)
	join(t, s, r, bob)
	other := newRoom(t, s, "other", ann, false)

	free := createFile(t, s, newFile(r, ann, "free", 1, baseTime))
	elsewhere := createFile(t, s, newFile(other, ann, "elsewhere", 1, baseTime))
	bobs := createFile(t, s, newFile(r, bob, "bob's", 1, baseTime))
	taken := createFile(t, s, newFile(r, ann, "taken", 1, baseTime))
	first := newMsg(r, ann, "takes it", "")
	first.Attachments = []string{taken.ID}
	owner := appendOK(t, s, first)[0].Message

	var many []string
	for i := range parley.MaxAttachments + 1 {
		many = append(many, createFile(t, s, newFile(r, ann, fmt.Sprint("many ", i), 1, baseTime)).ID)
	}
	cases := []struct {
		name string
		ids  []string
		want string // a word the error must say
	}{
		{"unknown file", []string{free.ID, parley.NewID()}, "exist"},
		{"another room's file", []string{free.ID, elsewhere.ID}, "room"},
		{"someone else's file", []string{free.ID, bobs.ID}, "someone else"},
		{"a file attached before", []string{free.ID, taken.ID}, "attached"},
		{"the same file twice", []string{free.ID, free.ID}, "twice"},
		{"an empty id", []string{free.ID, ""}, "empty"},
		{"too many files", many, fmt.Sprint(parley.MaxAttachments)},
	}
	// One batch: a good message first, each bad one, then a good one that
	// attaches in the same batch the file the next one wants too.
	batch := []parley.Message{newMsg(r, ann, "good before", "")}
	for _, c := range cases {
		m := newMsg(r, ann, c.name, "c-"+c.name)
		m.Attachments = c.ids
		batch = append(batch, m)
	}
	late := createFile(t, s, newFile(r, ann, "late", 1, baseTime))
	good := newMsg(r, ann, "good after", "")
	good.Attachments = []string{late.ID}
	again := newMsg(r, ann, "wants late too", "")
	again.Attachments = []string{late.ID}
	batch = append(batch, good, again)

	res, err := s.Messages.Append(ctx(t), batch)
	must(t, err)
	if len(res) != len(batch) {
		t.Fatalf("%d results for %d messages", len(res), len(batch))
	}
	if res[0].Err != nil || res[0].Message.Seq != 2 {
		t.Fatalf("good message before the bad ones: %+v, want seq 2", res[0])
	}
	for i, c := range cases {
		got := res[i+1]
		wantCode(t, got.Err, parley.CodeBadRequest)
		if !strings.Contains(got.Err.Error(), c.want) {
			t.Errorf("%s: error %q does not say %q", c.name, got.Err, c.want)
		}
		_, err := s.Messages.Get(ctx(t), r.ID, batch[i+1].ID)
		wantCode(t, err, parley.CodeNotFound)
	}
	if g := res[len(res)-2]; g.Err != nil || g.Message.Seq != 3 {
		t.Fatalf("good message after the bad ones: %+v, want seq 3 (no gap)", g)
	}
	wantCode(t, res[len(res)-1].Err, parley.CodeBadRequest)
	if got := lastSeq(t, s, r.ID); got != 3 {
		t.Fatalf("lastSeq = %d, want 3", got)
	}

	// Nothing the rejected messages named was attached.
	wantAttached(t, s, free, "")
	wantAttached(t, s, elsewhere, "")
	wantAttached(t, s, bobs, "")
	wantAttached(t, s, taken, owner.ID)
	wantAttached(t, s, late, batch[len(batch)-2].ID)
	for _, id := range many {
		if f := fileOf(t, s, id); f.MessageID != "" {
			t.Fatalf("file %s of the refused 11-file message is attached to %s", f.Name, f.MessageID)
		}
	}
	page, _, err := s.Messages.History(ctx(t), r.ID, 0, 10)
	must(t, err)
	wantSeqs(t, page, 1, 3)
	wantAttachments(t, "the first owner", page[0], taken.ID)
	wantAttachments(t, "the good message", page[2], late.ID)

	// Exactly MaxAttachments is fine.
	ten := newMsg(r, ann, "ten", "")
	ten.Attachments = many[:parley.MaxAttachments]
	wantAttachments(t, "ten files", appendOK(t, s, ten)[0].Message, many[:parley.MaxAttachments]...)
}

func testAttachmentsDuplicate(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f1 := createFile(t, s, newFile(r, u, "one", 1, baseTime))
	f2 := createFile(t, s, newFile(r, u, "two", 1, baseTime))
	m := newMsg(r, u, "with a file", "c1")
	m.Attachments = []string{f1.ID}
	orig := appendOK(t, s, m)[0].Message

	// The same send again (its file is attached by now), and a retry that
	// names another file: both are the original, and f2 stays free.
	retry := newMsg(r, u, "with a file", "c1")
	retry.Attachments = []string{f1.ID}
	other := newMsg(r, u, "with another file", "c1")
	other.Attachments = []string{f2.ID}
	for _, res := range appendOK(t, s, retry, other) {
		if !res.Duplicate || res.Message.ID != orig.ID {
			t.Fatalf("retry = %+v, want the original %s as duplicate", res, orig.ID)
		}
		wantAttachments(t, "the original", res.Message, f1.ID)
	}
	wantAttached(t, s, f1, orig.ID)
	wantAttached(t, s, f2, "")
	if got := lastSeq(t, s, r.ID); got != 1 {
		t.Fatalf("lastSeq = %d, want 1", got)
	}
}

func testAttachmentsDelete(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f1 := createFile(t, s, newFile(r, u, "one", 1, baseTime.Add(time.Second)))
	f2 := createFile(t, s, newFile(r, u, "two", 1, baseTime))
	kept := createFile(t, s, newFile(r, u, "kept", 1, baseTime))
	gone := newMsg(r, u, "two files", "c1")
	gone.Attachments = []string{f1.ID, f2.ID}
	stays := newMsg(r, u, "one file", "c2")
	stays.Attachments = []string{kept.ID}
	res := appendOK(t, s, gone, stays)

	del, err := s.Messages.Delete(ctx(t), r.ID, gone.ID)
	must(t, err)
	wantAttachments(t, "the tombstone", *del)
	want := res[0].Message
	want.Text, want.Attachments, want.Deleted = "", []string{}, true
	if !sameMessage(*del, want) {
		t.Fatalf("Delete = %+v, want tombstone %+v", *del, want)
	}
	for what, read := range map[string]func() parley.Message{
		"Get": func() parley.Message {
			m, err := s.Messages.Get(ctx(t), r.ID, gone.ID)
			must(t, err)
			return *m
		},
		"History": func() parley.Message {
			page, _, err := s.Messages.History(ctx(t), r.ID, 0, 10)
			must(t, err)
			wantAttachments(t, "History, the other message", page[1], kept.ID)
			return page[0]
		},
		"Changes": func() parley.Message {
			page, _, err := s.Edits.Changes(ctx(t), r.ID, 0, 2, 10)
			must(t, err)
			return page[0]
		},
	} {
		wantAttachments(t, what+" of the tombstone", read())
	}

	// Released whatever their age (the cutoff is before they were made),
	// oldest first; the other message's file is not.
	orphans, err := s.Files.Orphans(ctx(t), baseTime.Add(-time.Hour), 10)
	must(t, err)
	if !slices.Equal(fileIDs(orphans), []string{f2.ID, f1.ID}) {
		t.Fatalf("Orphans after Delete = %v, want two, one", names(orphans))
	}
	// They still name their message, and never attach again.
	wantAttached(t, s, f1, gone.ID)
	again := newMsg(r, u, "reuse", "c3")
	again.Attachments = []string{f1.ID}
	res, err = s.Messages.Append(ctx(t), []parley.Message{again})
	must(t, err)
	wantCode(t, res[0].Err, parley.CodeBadRequest)

	// A second Delete changes nothing.
	_, err = s.Messages.Delete(ctx(t), r.ID, gone.ID)
	must(t, err)
	orphans, err = s.Files.Orphans(ctx(t), baseTime.Add(-time.Hour), 10)
	must(t, err)
	if len(orphans) != 2 {
		t.Fatalf("Orphans after a second Delete = %v", names(orphans))
	}
}
