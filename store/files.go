package store

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parley-chat/parley"
)

// Files stores the metadata of uploads (parley.File). A message attaches
// files through Messages.Append: the append sets their MessageID in the
// same transaction as it stores the message, so a stored message never
// references a file that orphan cleanup may remove.
type Files interface {
	// Create stores f, unattached. ErrConflict if the id exists,
	// ErrInvalid for an empty id, room or uploader.
	Create(ctx context.Context, f *parley.File) error
	// Get returns ErrNotFound when no file has that id.
	Get(ctx context.Context, id string) (*parley.File, error)
	// ByIDs returns the files among ids, in no particular order; unknown
	// ids are skipped, never an error.
	ByIDs(ctx context.Context, ids []string) ([]parley.File, error)
	// Orphans returns up to limit files to clean up, oldest (by CreatedAt,
	// then id) first: files never attached to a message and created before
	// cutoff, and files whose message was deleted, whatever their age.
	// They keep their MessageID, so a deleted message's files can never be
	// attached again.
	Orphans(ctx context.Context, cutoff time.Time, limit int) ([]parley.File, error)
	// Delete removes a file's metadata; ErrNotFound if absent. The caller
	// removes its blobs.
	Delete(ctx context.Context, id string) error
	// StoredBytes is the sum of the sizes of all stored files.
	StoredBytes(ctx context.Context) (int64, error)
}

// Blobs keeps the bytes of files: a directory on the embedded store,
// GridFS (bucket "files") on MongoDB. Contract: storetest.RunBlobs.
type Blobs interface {
	// Put stores everything r yields under key and returns its size. It is
	// all or nothing: a failure or crash midway leaves no blob under key.
	// ErrConflict if key exists; ErrInvalid for a key CheckBlobKey refuses.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the blob for reading; ErrNotFound if absent.
	Open(ctx context.Context, key string) (Blob, error)
	// Delete removes a blob; an absent key is not an error.
	Delete(ctx context.Context, key string) error
}

// CheckBlobKey is the key rule every Blobs applies: ErrInvalid for an
// empty key, one with a path separator or NUL, or one starting with a dot
// ("." and ".." name directories; a directory backend keeps its
// temporary files under dotted names).
func CheckBlobKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("blob key is empty: %w", ErrInvalid)
	case strings.ContainsAny(key, `/\`+"\x00"):
		return fmt.Errorf("blob key %q has a path separator: %w", key, ErrInvalid)
	case strings.HasPrefix(key, "."):
		return fmt.Errorf("blob key %q starts with a dot: %w", key, ErrInvalid)
	}
	return nil
}

// Blob is an open blob: seekable so that range requests can be served.
type Blob interface {
	io.ReadSeekCloser
	Size() int64
}

// SearchQuery is what Search looks for.
type SearchQuery struct {
	// Text holds one or more terms separated by white space; a message
	// matches when its current text contains every term, compared
	// case-insensitively, as a substring (so unsegmented scripts such as
	// Chinese match without word boundaries).
	Text string
	// RoomIDs are the rooms searched: the caller's memberships, decided by
	// the caller. Empty finds nothing.
	RoomIDs []string
	// BeforeID, when set, is the id of the last result of the previous
	// page: only messages older than it are returned.
	BeforeID string
	Limit    int
}

// Search finds messages by their text.
type Search interface {
	// Search returns up to q.Limit messages matching q, newest first (by
	// CreatedAt, then id, descending), and whether more exist. Deleted
	// messages are never found; edited ones are found by their current
	// text. ErrInvalid for empty text or a BeforeID that names no message.
	Search(ctx context.Context, q SearchQuery) ([]parley.Message, bool, error)
}

// CheckNewFile is what every backend's Files.Create asks of f before
// storing it: ErrInvalid when it has no id, room or uploader, or a
// negative size.
func CheckNewFile(f *parley.File) error {
	switch {
	case f == nil || f.ID == "":
		return fmt.Errorf("file id is required: %w", ErrInvalid)
	case f.RoomID == "":
		return fmt.Errorf("file room is required: %w", ErrInvalid)
	case f.UploaderID == "":
		return fmt.Errorf("file uploader is required: %w", ErrInvalid)
	case f.Size < 0:
		return fmt.Errorf("file size %d is negative: %w", f.Size, ErrInvalid)
	}
	return nil
}
