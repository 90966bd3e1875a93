package mongo

import (
	"context"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley/store"
)

// bucketName is the GridFS bucket of the blobs: collections files.files
// and files.chunks.
const bucketName = "files"

// Blobs implements store.Blobs on GridFS.
//
// A blob's key is its GridFS filename, unique by an index of our own
// (indexes.go); its _id is a fresh ObjectID. The chunks are written first,
// under that new id, and the files document last: that insert is the
// commit point. A crash or failed read before it leaves only chunks that
// no files document names, never a blob under the key; a concurrent Put of
// the same key loses on the unique filename and its chunks are removed.
type Blobs struct {
	db     *DB
	bucket *mongo.GridFSBucket
}

var _ store.Blobs = (*Blobs)(nil)

func newBlobs(db *DB) *Blobs {
	return &Blobs{db: db, bucket: db.db.GridFSBucket(options.GridFSBucket().SetName(bucketName))}
}

// Put streams r into chunks, then commits the files document.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return 0, err
	}
	// Most conflicts are caught before uploading anything; the unique
	// index catches the rest at the commit.
	if _, err := b.find(ctx, key); err == nil {
		return 0, fmt.Errorf("blob %q: %w", key, store.ErrConflict)
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	id := bson.NewObjectID()
	up, err := b.bucket.OpenUploadStreamWithID(ctx, id, key)
	if err != nil {
		return 0, storeError(err, "")
	}
	n, err := io.Copy(up, r)
	if err != nil {
		_ = up.Abort() // removes the chunks written so far
		return 0, fmt.Errorf("blob %q: write: %w", key, err)
	}
	if err := up.Close(); err != nil {
		// The files document was not written: remove our chunks, which
		// nothing names.
		cctx, cancel := b.db.bound(context.WithoutCancel(ctx))
		defer cancel()
		_, _ = b.bucket.GetChunksCollection().DeleteMany(cctx, bson.D{{Key: "files_id", Value: id}})
		if mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("blob %q: %w", key, store.ErrConflict)
		}
		return 0, fmt.Errorf("blob %q: %w", key, storeError(err, ""))
	}
	return n, nil
}

// gridFile is the part of a files.files document Blobs reads.
type gridFile struct {
	ID     bson.ObjectID `bson:"_id"`
	Length int64         `bson:"length"`
}

// find returns the files document of key; ErrNotFound if none.
func (b *Blobs) find(ctx context.Context, key string) (*gridFile, error) {
	ctx, cancel := b.db.bound(ctx)
	defer cancel()
	var f gridFile
	err := b.bucket.GetFilesCollection().FindOne(ctx, byFilename(key),
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "length", Value: 1}})).Decode(&f)
	if err != nil {
		return nil, storeError(err, "blob")
	}
	return &f, nil
}

// Open finds the blob; its chunks are read as the caller reads. ctx bounds
// the whole reading, as it does the driver's download stream.
func (b *Blobs) Open(ctx context.Context, key string) (store.Blob, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return nil, err
	}
	f, err := b.find(ctx, key)
	if err != nil {
		return nil, err
	}
	return &gridBlob{ctx: ctx, bucket: b.bucket, id: f.ID, size: f.Length}, nil
}

// Delete removes the files document and chunks of key, if any.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	if err := store.CheckBlobKey(key); err != nil {
		return err
	}
	f, err := b.find(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, cancel := b.db.bound(ctx)
	defer cancel()
	if err := b.bucket.Delete(ctx, f.ID); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
		return storeError(err, "")
	}
	return nil
}

// gridBlob is a seekable reader over a GridFS download stream, which can
// only go forward: Seek records where the next Read starts; Read skips
// ahead to it, or opens the stream again to go back. Serving a range
// request (seek to the end for the size, then to the range) thus opens the
// stream once.
type gridBlob struct {
	ctx    context.Context
	bucket *mongo.GridFSBucket
	id     bson.ObjectID
	size   int64

	stream *mongo.GridFSDownloadStream
	at     int64 // the stream's position (when stream != nil)
	pos    int64 // where the next Read starts
	closed bool
}

func (g *gridBlob) Size() int64 { return g.size }

func (g *gridBlob) Read(p []byte) (int, error) {
	if g.closed {
		return 0, errors.New("blob is closed")
	}
	if g.pos >= g.size {
		return 0, io.EOF
	}
	if err := g.reach(); err != nil {
		return 0, err
	}
	n, err := g.stream.Read(p)
	g.at += int64(n)
	g.pos = g.at
	if err != nil && !errors.Is(err, io.EOF) {
		return n, storeError(err, "")
	}
	return n, err
}

// reach positions the stream at pos.
func (g *gridBlob) reach() error {
	if g.stream != nil && g.at > g.pos {
		_ = g.stream.Close()
		g.stream = nil
	}
	if g.stream == nil {
		s, err := g.bucket.OpenDownloadStream(g.ctx, g.id)
		if err != nil {
			if errors.Is(err, mongo.ErrFileNotFound) {
				return fmt.Errorf("blob was deleted while being read: %w", store.ErrNotFound)
			}
			return storeError(err, "")
		}
		g.stream, g.at = s, 0
	}
	if g.at < g.pos {
		n, err := g.stream.Skip(g.pos - g.at)
		g.at += n
		if err != nil {
			return storeError(err, "")
		}
	}
	return nil
}

func (g *gridBlob) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = g.pos + offset
	case io.SeekEnd:
		abs = g.size + offset
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("seek: negative position")
	}
	g.pos = abs
	return abs, nil
}

func (g *gridBlob) Close() error {
	if g.closed {
		return nil
	}
	g.closed = true
	if g.stream != nil {
		err := g.stream.Close()
		g.stream = nil
		return err
	}
	return nil
}

func byFilename(key string) bson.D {
	return bson.D{{Key: "filename", Value: key}}
}
