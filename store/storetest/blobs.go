package storetest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// BlobsFactory returns new, empty blobs and arranges (t.Cleanup) to
// release them.
type BlobsFactory func(t *testing.T) store.Blobs

// RunBlobs runs the store.Blobs contract, each test on fresh blobs.
func RunBlobs(t *testing.T, newBlobs BlobsFactory) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, b store.Blobs)
	}{
		{"PutOpenReadSeek", testBlobPutOpen},
		{"Empty", testBlobEmpty},
		{"ExistingKeyConflicts", testBlobConflict},
		{"MissingIsNotFound", testBlobNotFound},
		{"DeleteIsIdempotent", testBlobDelete},
		{"InvalidKeys", testBlobInvalidKeys},
		{"FailedPutLeavesNothing", testBlobFailedPut},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newBlobs(t)) })
	}
}

// blobData is larger than any one buffer a backend is likely to use, so a
// read or seek that crosses chunks is exercised.
func blobData() []byte {
	b := make([]byte, 600_000)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func readBlob(t *testing.T, b store.Blobs, key string) []byte {
	t.Helper()
	bl, err := b.Open(ctx(t), key)
	must(t, err)
	defer func() { _ = bl.Close() }()
	got, err := io.ReadAll(bl)
	must(t, err)
	return got
}

func testBlobPutOpen(t *testing.T, b store.Blobs) {
	data := blobData()
	key := parley.NewID()
	n, err := b.Put(ctx(t), key, bytes.NewReader(data))
	must(t, err)
	if n != int64(len(data)) {
		t.Fatalf("Put returned size %d, want %d", n, len(data))
	}
	bl, err := b.Open(ctx(t), key)
	must(t, err)
	defer func() { _ = bl.Close() }()
	if bl.Size() != int64(len(data)) {
		t.Fatalf("Size() = %d, want %d", bl.Size(), len(data))
	}
	got, err := io.ReadAll(bl)
	must(t, err)
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes that differ from the %d put", len(got), len(data))
	}
	// Seeks as a range request makes them: from the start, from the end,
	// backwards, and again forwards past a chunk.
	for _, s := range []struct {
		offset int64
		whence int
		at     int64
	}{
		{100, io.SeekStart, 100},
		{-10, io.SeekEnd, int64(len(data)) - 10},
		{5, io.SeekStart, 5},
		{400_000, io.SeekCurrent, 400_015}, // 5 + the 10 bytes read
		{0, io.SeekStart, 0},
	} {
		pos, err := bl.Seek(s.offset, s.whence)
		must(t, err)
		if pos != s.at {
			t.Fatalf("Seek(%d, %d) = %d, want %d", s.offset, s.whence, pos, s.at)
		}
		buf := make([]byte, 10)
		k, err := io.ReadFull(bl, buf)
		must(t, err)
		if !bytes.Equal(buf[:k], data[s.at:s.at+10]) {
			t.Fatalf("10 bytes after Seek to %d = %v, want %v", s.at, buf[:k], data[s.at:s.at+10])
		}
	}
	if _, err := bl.Seek(0, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if k, err := bl.Read(make([]byte, 1)); k != 0 || err != io.EOF {
		t.Fatalf("Read at the end = %d, %v; want 0, EOF", k, err)
	}
}

func testBlobEmpty(t *testing.T, b store.Blobs) {
	key := parley.NewID()
	n, err := b.Put(ctx(t), key, strings.NewReader(""))
	must(t, err)
	if n != 0 {
		t.Fatalf("Put of nothing returned %d", n)
	}
	if got := readBlob(t, b, key); len(got) != 0 {
		t.Fatalf("empty blob reads %q", got)
	}
}

func testBlobConflict(t *testing.T, b store.Blobs) {
	key := parley.NewID()
	_, err := b.Put(ctx(t), key, strings.NewReader("first"))
	must(t, err)
	_, err = b.Put(ctx(t), key, strings.NewReader("second, longer"))
	wantCode(t, err, parley.CodeConflict)
	if got := string(readBlob(t, b, key)); got != "first" {
		t.Fatalf("after a conflicting Put the blob reads %q, want %q", got, "first")
	}
}

func testBlobNotFound(t *testing.T, b store.Blobs) {
	_, err := b.Open(ctx(t), parley.NewID())
	wantCode(t, err, parley.CodeNotFound)
}

func testBlobDelete(t *testing.T, b store.Blobs) {
	key := parley.NewID()
	_, err := b.Put(ctx(t), key, strings.NewReader("bytes"))
	must(t, err)
	must(t, b.Delete(ctx(t), key))
	_, err = b.Open(ctx(t), key)
	wantCode(t, err, parley.CodeNotFound)
	must(t, b.Delete(ctx(t), key))
	must(t, b.Delete(ctx(t), parley.NewID()))
	// The key is free again.
	_, err = b.Put(ctx(t), key, strings.NewReader("again"))
	must(t, err)
	if got := string(readBlob(t, b, key)); got != "again" {
		t.Fatalf("re-put blob reads %q", got)
	}
}

func testBlobInvalidKeys(t *testing.T, b store.Blobs) {
	for _, key := range []string{"", "a/b", `a\b`, "..", "../x", "/abs"} {
		_, err := b.Put(ctx(t), key, strings.NewReader("x"))
		wantCode(t, err, parley.CodeBadRequest)
		_, err = b.Open(ctx(t), key)
		wantCode(t, err, parley.CodeBadRequest)
	}
}

// failingReader yields n bytes, then fails.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func testBlobFailedPut(t *testing.T, b store.Blobs) {
	key := parley.NewID()
	boom := errors.New("client went away")
	_, err := b.Put(ctx(t), key, &failingReader{n: 300_000, err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("Put from a failing reader = %v, want its error", err)
	}
	_, err = b.Open(ctx(t), key)
	wantCode(t, err, parley.CodeNotFound)
	_, err = b.Put(ctx(t), key, strings.NewReader("whole"))
	must(t, err)
	if got := string(readBlob(t, b, key)); got != "whole" {
		t.Fatalf("blob after a failed Put reads %q", got)
	}
}
