package files_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/parleytest"
)

// TestCleanerRemovesWhatNoMessageHolds drives one sweep with an injected
// clock: uploads never attached for over a day go, and so do those of a
// deleted message whatever their age; a recent upload and the files of a
// live message stay, bytes and all.
func TestCleanerRemovesWhatNoMessageHolds(t *testing.T) {
	ctx := context.Background()
	st := parleytest.Store(t)
	sys := parleytest.Seed(t, st)
	start := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	put := func(name string, age time.Duration, thumb bool) parley.File {
		t.Helper()
		f := parley.File{ID: parley.NewID(), RoomID: parley.DefaultRoomID, UploaderID: sys.ID, Name: name, Size: int64(len(name)),
			ContentType: "text/plain; charset=utf-8", HasThumb: thumb, CreatedAt: start.Add(-age)}
		if _, err := st.Blobs.Put(ctx, f.ID, strings.NewReader(name)); err != nil {
			t.Fatal(err)
		}
		if thumb {
			if _, err := st.Blobs.Put(ctx, parley.ThumbKey(f.ID), strings.NewReader("thumb")); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Files.Create(ctx, &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	send := func(id string, attachments ...string) {
		t.Helper()
		res, err := st.Messages.Append(ctx, []parley.Message{{ID: id, RoomID: parley.DefaultRoomID, SenderID: sys.ID,
			ClientMsgID: id, Attachments: attachments, CreatedAt: start.Add(-48 * time.Hour)}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("append: %v %v", err, res)
		}
	}
	stale := put("stale", 25*time.Hour, true)
	fresh := put("fresh", 23*time.Hour, false)
	kept := put("kept", 48*time.Hour, true)
	send("m-live", kept.ID)
	deleted := put("deleted", time.Hour, true)
	send("m-deleted", deleted.ID)
	if _, err := st.Messages.Delete(ctx, parley.DefaultRoomID, "m-deleted"); err != nil {
		t.Fatal(err)
	}

	c := files.NewCleaner(files.CleanerConfig{Files: st.Files, Blobs: st.Blobs, Batch: 1, Now: func() time.Time { return start }})
	n, err := c.Sweep(ctx)
	if err != nil || n != 2 {
		t.Fatalf("swept %d (%v), want 2", n, err)
	}
	for _, f := range []parley.File{stale, deleted} {
		if _, err := st.Files.Get(ctx, f.ID); parley.CodeOf(err) != parley.CodeNotFound {
			t.Errorf("%s: metadata still there (%v)", f.Name, err)
		}
		for _, key := range []string{f.ID, parley.ThumbKey(f.ID)} {
			if _, err := st.Blobs.Open(ctx, key); parley.CodeOf(err) != parley.CodeNotFound {
				t.Errorf("%s: blob %s still there (%v)", f.Name, key, err)
			}
		}
	}
	for _, f := range []parley.File{fresh, kept} {
		if _, err := st.Files.Get(ctx, f.ID); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		if b, err := st.Blobs.Open(ctx, f.ID); err != nil {
			t.Errorf("%s: blob: %v", f.Name, err)
		} else {
			b.Close()
		}
	}
	if n, err := st.Files.StoredBytes(ctx); err != nil || n != fresh.Size+kept.Size {
		t.Errorf("stored bytes %d (%v), want %d", n, err, fresh.Size+kept.Size)
	}

	// Two hours later the fresh upload is a day old too.
	c = files.NewCleaner(files.CleanerConfig{Files: st.Files, Blobs: st.Blobs, Now: func() time.Time { return start.Add(2 * time.Hour) }})
	if n, err := c.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("second sweep: %d (%v), want 1", n, err)
	}
	left, err := st.Files.ByIDs(ctx, []string{stale.ID, fresh.ID, kept.ID, deleted.ID})
	if err != nil || len(left) != 1 || left[0].ID != kept.ID {
		t.Errorf("left %v (%v), want only the live message's file", names(left), err)
	}
}

func names(fs []parley.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// TestCleanerStartAndClose runs the loop and stops it; Close waits for it
// and may be called twice, or without Start.
func TestCleanerStartAndClose(t *testing.T) {
	st := parleytest.Store(t)
	c := files.NewCleaner(files.CleanerConfig{Files: st.Files, Blobs: st.Blobs})
	c.Start()
	c.Close()
	c.Close()
	files.NewCleaner(files.CleanerConfig{Files: st.Files, Blobs: st.Blobs}).Close()
}
