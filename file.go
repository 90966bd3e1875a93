package parley

import "time"

// File is an upload. Its bytes are kept by a store.Blobs under ID (and
// its thumbnail, when it has one, under ThumbKey(ID)); this is the
// metadata kept beside the messages.
//
// A file belongs to the room it was uploaded to and is attached to at
// most one message of that room. Until then MessageID is empty and the
// file is an orphan, removed after a day (store.Files.Orphans).
type File struct {
	ID          string
	RoomID      string
	UploaderID  string
	Name        string // as the uploader's browser named it, cleaned
	Size        int64
	ContentType string // sniffed from the bytes, never the client's word
	Width       int    // images only; 0 otherwise
	Height      int
	HasThumb    bool
	MessageID   string // "" until a message attaches it
	CreatedAt   time.Time
}

// ThumbKey is the blob key of a file's thumbnail.
func ThumbKey(fileID string) string { return fileID + ".thumb" }

// MaxAttachments bounds the files one message carries.
const MaxAttachments = 10
