package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var fileTests = []test{
	{"Files/CreateGet", testFileCreateGet},
	{"Files/CreateRefusesDuplicatesAndEmptyFields", testFileCreateInvalid},
	{"Files/ByIDs", testFileByIDs},
	{"Files/OrphansAreOldUnattachedFilesOldestFirst", testFileOrphans},
	{"Files/Delete", testFileDelete},
	{"Files/StoredBytes", testFileStoredBytes},
}

func newFile(r parley.Room, uploader parley.User, name string, size int64, created time.Time) parley.File {
	return parley.File{
		ID:          parley.NewID(),
		RoomID:      r.ID,
		UploaderID:  uploader.ID,
		Name:        name,
		Size:        size,
		ContentType: "image/png",
		Width:       640,
		Height:      480,
		HasThumb:    true,
		CreatedAt:   created,
	}
}

func createFile(t *testing.T, s *store.Store, f parley.File) parley.File {
	t.Helper()
	must(t, s.Files.Create(ctx(t), &f))
	return f
}

// normFile makes a file comparable with ==: times compare by instant.
func normFile(f parley.File) parley.File {
	f.CreatedAt = f.CreatedAt.UTC()
	return f
}

func wantFile(t *testing.T, got *parley.File, want parley.File) {
	t.Helper()
	if got == nil || normFile(*got) != normFile(want) {
		t.Fatalf("file = %+v, want %+v", got, want)
	}
}

// fileIDs are the ids of files, in their order.
func fileIDs(fs []parley.File) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

func testFileCreateGet(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f := newFile(r, u, "cat.png", 1234, baseTime)
	f.MessageID = "ignored: a new file is never attached"
	must(t, s.Files.Create(ctx(t), &f))
	want := f
	want.MessageID = ""
	wantFile(t, &f, want)
	got, err := s.Files.Get(ctx(t), f.ID)
	must(t, err)
	wantFile(t, got, want)

	// A zero CreatedAt is stamped by the store, to the millisecond.
	plain := parley.File{ID: parley.NewID(), RoomID: r.ID, UploaderID: u.ID, Name: "notes.txt", Size: 0, ContentType: "text/plain; charset=utf-8"}
	before := time.Now().Add(-time.Second)
	must(t, s.Files.Create(ctx(t), &plain))
	if plain.CreatedAt.Before(before) || !plain.CreatedAt.Equal(parley.Millis(plain.CreatedAt)) {
		t.Fatalf("stamped CreatedAt %v, want now in milliseconds", plain.CreatedAt)
	}
	got, err = s.Files.Get(ctx(t), plain.ID)
	must(t, err)
	wantFile(t, got, plain)

	_, err = s.Files.Get(ctx(t), parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
}

func testFileCreateInvalid(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f := createFile(t, s, newFile(r, u, "a.png", 10, baseTime))
	again := newFile(r, u, "b.png", 20, baseTime)
	again.ID = f.ID
	wantCode(t, s.Files.Create(ctx(t), &again), parley.CodeConflict)
	got, err := s.Files.Get(ctx(t), f.ID)
	must(t, err)
	wantFile(t, got, f)

	for name, mut := range map[string]func(*parley.File){
		"no id":       func(f *parley.File) { f.ID = "" },
		"no room":     func(f *parley.File) { f.RoomID = "" },
		"no uploader": func(f *parley.File) { f.UploaderID = "" },
	} {
		bad := newFile(r, u, "c.png", 30, baseTime)
		mut(&bad)
		if err := s.Files.Create(ctx(t), &bad); parley.CodeOf(err) != parley.CodeBadRequest {
			t.Errorf("Create with %s = %v, want BAD_REQUEST", name, err)
		}
	}
	n, err := s.Files.StoredBytes(ctx(t))
	must(t, err)
	if n != 10 {
		t.Fatalf("StoredBytes after refused creates = %d, want 10", n)
	}
}

func testFileByIDs(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	a := createFile(t, s, newFile(r, u, "a.png", 1, baseTime))
	b := createFile(t, s, newFile(r, u, "b.png", 2, baseTime))
	createFile(t, s, newFile(r, u, "c.png", 3, baseTime))
	got, err := s.Files.ByIDs(ctx(t), []string{b.ID, parley.NewID(), a.ID})
	must(t, err)
	slices.SortFunc(got, func(x, y parley.File) int { return strings.Compare(x.Name, y.Name) })
	if len(got) != 2 {
		t.Fatalf("ByIDs = %+v, want a and b", got)
	}
	wantFile(t, &got[0], a)
	wantFile(t, &got[1], b)
	none, err := s.Files.ByIDs(ctx(t), nil)
	must(t, err)
	if none == nil || len(none) != 0 {
		t.Fatalf("ByIDs(nil) = %#v, want an empty slice", none)
	}
}

func testFileOrphans(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	cutoff := baseTime.Add(24 * time.Hour)
	// Created out of order, so "oldest first" is the store's doing.
	mid := createFile(t, s, newFile(r, u, "mid", 1, cutoff.Add(-2*time.Hour)))
	old := createFile(t, s, newFile(r, u, "old", 1, cutoff.Add(-3*time.Hour)))
	createFile(t, s, newFile(r, u, "at cutoff", 1, cutoff))
	createFile(t, s, newFile(r, u, "new", 1, cutoff.Add(time.Hour)))
	last := createFile(t, s, newFile(r, u, "last", 1, cutoff.Add(-time.Millisecond)))

	got, err := s.Files.Orphans(ctx(t), cutoff, 10)
	must(t, err)
	if want := []string{old.ID, mid.ID, last.ID}; !slices.Equal(fileIDs(got), want) {
		t.Fatalf("Orphans = %v, want old, mid, last (created before the cutoff, oldest first)", names(got))
	}
	wantFile(t, &got[0], old)
	got, err = s.Files.Orphans(ctx(t), cutoff, 2)
	must(t, err)
	if want := []string{old.ID, mid.ID}; !slices.Equal(fileIDs(got), want) {
		t.Fatalf("Orphans limited to 2 = %v, want old, mid", names(got))
	}
	got, err = s.Files.Orphans(ctx(t), baseTime, 10)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("Orphans before any file = %v, want none", names(got))
	}
}

func names(fs []parley.File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func testFileDelete(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	f := createFile(t, s, newFile(r, u, "a.png", 10, baseTime))
	keep := createFile(t, s, newFile(r, u, "b.png", 10, baseTime))
	must(t, s.Files.Delete(ctx(t), f.ID))
	_, err := s.Files.Get(ctx(t), f.ID)
	wantCode(t, err, parley.CodeNotFound)
	wantCode(t, s.Files.Delete(ctx(t), f.ID), parley.CodeNotFound)
	got, err := s.Files.Get(ctx(t), keep.ID)
	must(t, err)
	wantFile(t, got, keep)
	orphans, err := s.Files.Orphans(ctx(t), baseTime.Add(time.Hour), 10)
	must(t, err)
	if !slices.Equal(fileIDs(orphans), []string{keep.ID}) {
		t.Fatalf("Orphans after Delete = %v, want only b.png", names(orphans))
	}
}

func testFileStoredBytes(t *testing.T, s *store.Store) {
	n, err := s.Files.StoredBytes(ctx(t))
	must(t, err)
	if n != 0 {
		t.Fatalf("StoredBytes of an empty store = %d", n)
	}
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	createFile(t, s, newFile(r, u, "a", 1000, baseTime))
	b := createFile(t, s, newFile(r, u, "b", 5_000_000_000, baseTime)) // beyond 32 bits
	createFile(t, s, newFile(r, u, "c", 0, baseTime))
	n, err = s.Files.StoredBytes(ctx(t))
	must(t, err)
	if n != 5_000_001_000 {
		t.Fatalf("StoredBytes = %d, want 5000001000", n)
	}
	must(t, s.Files.Delete(ctx(t), b.ID))
	n, err = s.Files.StoredBytes(ctx(t))
	must(t, err)
	if n != 1000 {
		t.Fatalf("StoredBytes after a delete = %d, want 1000", n)
	}
}
