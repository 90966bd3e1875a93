package storemetrics

import (
	"context"
	"io"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var (
	_ store.Files = (*timedFiles)(nil)
	_ store.Blobs = (*timedBlobs)(nil)
)

type timedFiles struct {
	next                                          store.Files
	create, get, byIDs, orphans, del, storedBytes op
}

func newTimedFiles(next store.Files, m *metrics) *timedFiles {
	return &timedFiles{
		next: next, create: m.op("files.create"), get: m.op("files.get"), byIDs: m.op("files.by_ids"),
		orphans: m.op("files.orphans"), del: m.op("files.delete"), storedBytes: m.op("files.stored_bytes"),
	}
}

func (t *timedFiles) Create(ctx context.Context, f *parley.File) (err error) {
	defer t.create.done(time.Now(), &err)
	return t.next.Create(ctx, f)
}

func (t *timedFiles) Get(ctx context.Context, id string) (_ *parley.File, err error) {
	defer t.get.done(time.Now(), &err)
	return t.next.Get(ctx, id)
}

func (t *timedFiles) ByIDs(ctx context.Context, ids []string) (_ []parley.File, err error) {
	defer t.byIDs.done(time.Now(), &err)
	return t.next.ByIDs(ctx, ids)
}

func (t *timedFiles) Orphans(ctx context.Context, cutoff time.Time, limit int) (_ []parley.File, err error) {
	defer t.orphans.done(time.Now(), &err)
	return t.next.Orphans(ctx, cutoff, limit)
}

func (t *timedFiles) Delete(ctx context.Context, id string) (err error) {
	defer t.del.done(time.Now(), &err)
	return t.next.Delete(ctx, id)
}

func (t *timedFiles) StoredBytes(ctx context.Context) (_ int64, err error) {
	defer t.storedBytes.done(time.Now(), &err)
	return t.next.StoredBytes(ctx)
}

// timedBlobs times the calls, not the reading of an opened blob: that
// runs at the client's pace, and would measure the network, not the store.
// Put's time includes reading its source for the same reason, so it
// measures whole uploads.
type timedBlobs struct {
	next           store.Blobs
	put, open, del op
}

func newTimedBlobs(next store.Blobs, m *metrics) *timedBlobs {
	return &timedBlobs{next: next, put: m.op("blobs.put"), open: m.op("blobs.open"), del: m.op("blobs.delete")}
}

func (t *timedBlobs) Put(ctx context.Context, key string, r io.Reader) (_ int64, err error) {
	defer t.put.done(time.Now(), &err)
	return t.next.Put(ctx, key, r)
}

func (t *timedBlobs) Open(ctx context.Context, key string) (_ store.Blob, err error) {
	defer t.open.done(time.Now(), &err)
	return t.next.Open(ctx, key)
}

func (t *timedBlobs) Delete(ctx context.Context, key string) (err error) {
	defer t.del.done(time.Now(), &err)
	return t.next.Delete(ctx, key)
}
