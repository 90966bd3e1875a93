package rooms_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// withFiles gives a hub a real URL signer on the fixture's clock.
func withFiles(t *testing.T) (*files.Signer, func(*rooms.Config)) {
	s, err := files.NewSigner([]byte("0123456789abcdef0123456789abcdef"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return s, func(c *rooms.Config) { s.Now = c.Now; c.Files = s }
}

// upload stores the metadata of a file u uploaded to room (the bytes do
// not matter to the hub).
func (f *fixture) upload(u parley.User, room, name string) parley.File {
	f.t.Helper()
	file := parley.File{ID: parley.NewID(), RoomID: room, UploaderID: u.ID, Name: name, Size: 3, ContentType: "image/png",
		Width: 4, Height: 2, HasThumb: true, CreatedAt: f.clk.Now()}
	if err := f.st.Files.Create(f.ctx, &file); err != nil {
		f.t.Fatal(err)
	}
	return file
}

func (f *fixture) sendFiles(u parley.User, room, text string, ids ...string) (protocol.Message, error) {
	id := fmt.Sprintf("c%d", f.seq.Add(1))
	return f.hub.Send(f.ctx, u, rooms.SendRequest{Room: room, Text: text, ClientMsgID: id, Attachments: ids}, nil)
}

func TestSendWithAttachments(t *testing.T) {
	signer, tweak := withFiles(t)
	f := newHub(t, tweak)
	alice, bob := f.user("alice"), f.user("bob")
	a, b := f.upload(alice, parley.DefaultRoomID, "a.png"), f.upload(alice, parley.DefaultRoomID, "b.png")

	got, err := f.sendFiles(alice, parley.DefaultRoomID, "  ", b.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	wire := func(file parley.File) protocol.File {
		return protocol.File{ID: file.ID, Room: file.RoomID, Name: file.Name, Size: 3, ContentType: "image/png", Width: 4, Height: 2,
			URL: signer.URL(file.ID, files.Original), ThumbURL: signer.URL(file.ID, files.Thumb)}
	}
	want := protocol.Message{ID: got.ID, Room: parley.DefaultRoomID, Seq: got.Seq, Rev: got.Rev, Sender: protocol.UserOf(alice),
		Text: "", Mentions: []string{}, ClientMsgID: got.ClientMsgID, Reactions: []protocol.Reaction{},
		Attachments: []protocol.File{wire(b), wire(a)}, CreatedAt: protocol.Time(f.clk.Now())}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ack %+v\nwant %+v", got, want)
	}
	if msgs := f.rec.Payloads(protocol.EventMessage); len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
		t.Fatalf("broadcast %+v, want %+v", msgs, want)
	}
	if h := f.history(bob, parley.DefaultRoomID); len(h) != 1 || !reflect.DeepEqual(h[0], want) {
		t.Fatalf("history %+v", h)
	}
	plain := f.mustSend(alice, parley.DefaultRoomID, "no files")
	if plain.Attachments != nil {
		t.Errorf("a message without files has attachments %v", plain.Attachments)
	}
	sync, err := f.hub.Sync(f.ctx, bob, map[string]int64{parley.DefaultRoomID: 0}, nil)
	if err != nil || len(sync[parley.DefaultRoomID].Messages) != 2 || !reflect.DeepEqual(sync[parley.DefaultRoomID].Messages[0], want) {
		t.Fatalf("sync %+v (%v)", sync, err)
	}

	// Deleted, the message shows its files no more.
	f.rec.Reset()
	if err := f.hub.DeleteMessage(f.ctx, alice, parley.DefaultRoomID, got.ID); err != nil {
		t.Fatal(err)
	}
	if h := f.history(bob, parley.DefaultRoomID); h[0].Attachments != nil || !h[0].Deleted {
		t.Errorf("deleted message %+v", h[0])
	}
}

func TestSendWithAttachmentsRefusals(t *testing.T) {
	_, tweak := withFiles(t)
	f := newHub(t, tweak)
	alice, bob := f.user("alice"), f.user("bob")
	other := f.room(alice, "other", false)
	mine := f.upload(alice, parley.DefaultRoomID, "mine.png")
	bobs := f.upload(bob, parley.DefaultRoomID, "bobs.png")
	elsewhere := f.upload(alice, other.ID, "elsewhere.png")
	ids := make([]string, parley.MaxAttachments+1)
	for i := range ids {
		ids[i] = f.upload(alice, parley.DefaultRoomID, "many.png").ID
	}
	for _, tc := range []struct {
		name, text string
		ids        []string
		msg        string
	}{
		{"no text, no files", " ", nil, "text is empty"},
		{"too many", "", ids, "at most 10 attachments"},
		{"twice", "", []string{mine.ID, mine.ID}, "attached twice"},
		{"empty id", "", []string{mine.ID, " "}, "attachments[1]: id is required"},
		{"long id", "", []string{strings.Repeat("x", 129)}, "attachments[0]: id is longer"},
		{"someone else's", "hi", []string{bobs.ID}, "files you uploaded to this room"},
		{"another room's", "hi", []string{elsewhere.ID}, "files you uploaded to this room"},
		{"unknown", "hi", []string{parley.NewID()}, "files you uploaded to this room"},
	} {
		_, err := f.sendFiles(alice, parley.DefaultRoomID, tc.text, tc.ids...)
		if parley.CodeOf(err) != parley.CodeBadRequest || !strings.Contains(parley.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: %v, want BAD_REQUEST %q", tc.name, err, tc.msg)
		}
	}
	if _, err := f.sendFiles(alice, parley.DefaultRoomID, "", mine.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.sendFiles(alice, parley.DefaultRoomID, "again", mine.ID)
	if parley.CodeOf(err) != parley.CodeBadRequest || !strings.Contains(parley.ErrorMessage(err), "not attached to another message") {
		t.Errorf("attached twice: %v", err)
	}
	if n := len(f.history(alice, parley.DefaultRoomID)); n != 1 {
		t.Errorf("%d messages stored, want the one valid send", n)
	}
}
