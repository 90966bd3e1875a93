package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Files implements store.Files on the files collection. A file is attached
// by Messages.Append in its transaction and released by Messages.Delete in
// its own; Orphans reads the partial index of cleanup candidates.
type Files struct{ db *DB }

var _ store.Files = (*Files)(nil)

// Create inserts f unattached, filling in a zero CreatedAt.
func (s *Files) Create(ctx context.Context, f *parley.File) error {
	if err := store.CheckNewFile(f); err != nil {
		return err
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	stored := *f
	stored.MessageID, stored.CreatedAt = "", s.db.stamp(f.CreatedAt)
	if _, err := s.db.col(colFiles).InsertOne(ctx, toFileDoc(&stored)); err != nil {
		err = storeError(err, "")
		if parley.CodeOf(err) == parley.CodeConflict {
			return fmt.Errorf("file %q: %w", f.ID, err)
		}
		return err
	}
	*f = stored
	return nil
}

// Get returns NOT_FOUND when no file has that id.
func (s *Files) Get(ctx context.Context, id string) (*parley.File, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d fileDoc
	if err := s.db.col(colFiles).FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, storeError(err, "file")
	}
	f := d.file()
	return &f, nil
}

// ByIDs reads at most maxLimit files.
func (s *Files) ByIDs(ctx context.Context, ids []string) ([]parley.File, error) {
	if len(ids) == 0 {
		return []parley.File{}, nil
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	docs, err := findAll[fileDoc](ctx, s.db.col(colFiles), idIn(ids[:min(len(ids), maxLimit)]), nil)
	return files(docs), err
}

// Orphans walks the partial index on orphan, oldest first.
func (s *Files) Orphans(ctx context.Context, cutoff time.Time, limit int) ([]parley.File, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	filter, sort := orphans(parley.Millis(cutoff))
	docs, err := findAll[fileDoc](ctx, s.db.col(colFiles), filter,
		options.Find().SetSort(sort).SetLimit(int64(clampLimit(limit))))
	return files(docs), err
}

// Delete removes the file's document.
func (s *Files) Delete(ctx context.Context, id string) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colFiles).DeleteOne(ctx, byID(id))
	if err != nil {
		return storeError(err, "")
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("file %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// StoredBytes sums the sizes with one $group.
func (s *Files) StoredBytes(ctx context.Context) (int64, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	cur, err := s.db.col(colFiles).Aggregate(ctx, sumSizes())
	if err != nil {
		return 0, storeError(err, "")
	}
	var out []struct {
		Total int64 `bson:"total"`
	}
	if err := cur.All(ctx, &out); err != nil {
		return 0, storeError(err, "")
	}
	if len(out) == 0 {
		return 0, nil
	}
	return out[0].Total, nil
}

func files(docs []fileDoc) []parley.File {
	out := make([]parley.File, len(docs))
	for i := range docs {
		out[i] = docs[i].file()
	}
	return out
}

// fileDoc is a parley.File. Orphan marks the cleanup candidates (never
// attached, or their message deleted) for the partial index Orphans reads:
// a partial index cannot select on a missing messageId.
type fileDoc struct {
	ID             string    `bson:"_id"`
	RoomID         string    `bson:"roomId"`
	UploaderID     string    `bson:"uploaderId"`
	Name           string    `bson:"name"`
	Size           int64     `bson:"size"`
	ContentType    string    `bson:"contentType"`
	Width          int       `bson:"width,omitempty"`
	Height         int       `bson:"height,omitempty"`
	HasThumb       bool      `bson:"hasThumb,omitempty"`
	MessageID      string    `bson:"messageId,omitempty"`
	MessageDeleted bool      `bson:"messageDeleted,omitempty"`
	Orphan         bool      `bson:"orphan,omitempty"`
	CreatedAt      time.Time `bson:"createdAt"`
}

func toFileDoc(f *parley.File) fileDoc {
	return fileDoc{ID: f.ID, RoomID: f.RoomID, UploaderID: f.UploaderID, Name: f.Name, Size: f.Size,
		ContentType: f.ContentType, Width: f.Width, Height: f.Height, HasThumb: f.HasThumb,
		MessageID: f.MessageID, Orphan: f.MessageID == "", CreatedAt: f.CreatedAt}
}

func (d *fileDoc) file() parley.File {
	return parley.File{ID: d.ID, RoomID: d.RoomID, UploaderID: d.UploaderID, Name: d.Name, Size: d.Size,
		ContentType: d.ContentType, Width: d.Width, Height: d.Height, HasThumb: d.HasThumb,
		MessageID: d.MessageID, CreatedAt: d.CreatedAt.UTC()}
}

// --- queries (tested in queries_test.go)

// orphans: released files of any age, and unattached ones created before
// cutoff, oldest first.
func orphans(cutoff time.Time) (filter, sort bson.D) {
	return bson.D{
			{Key: "orphan", Value: true},
			{Key: "$or", Value: bson.A{
				bson.D{{Key: "messageDeleted", Value: true}},
				bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: cutoff}}}},
			}},
		},
		bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
}

func sumSizes() bson.A {
	return bson.A{bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: nil},
		{Key: "total", Value: bson.D{{Key: "$sum", Value: "$size"}}},
	}}}}
}

// unattachedIn matches the files among ids that no message has taken.
func unattachedIn(ids []string) bson.D {
	return bson.D{
		{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}},
		{Key: "messageId", Value: bson.D{{Key: "$exists", Value: false}}},
	}
}

// attachTo gives files their message and takes them off the orphan index.
func attachTo(messageID string) bson.D {
	return bson.D{
		{Key: "$set", Value: bson.D{{Key: "messageId", Value: messageID}}},
		{Key: "$unset", Value: bson.D{{Key: "orphan", Value: ""}}},
	}
}

func filesOf(messageID string) bson.D { return bson.D{{Key: "messageId", Value: messageID}} }

// release marks the files of a deleted message for cleanup. They keep
// their messageId, so no message can attach them again.
func release() bson.D {
	return bson.D{{Key: "$set", Value: bson.D{{Key: "messageDeleted", Value: true}, {Key: "orphan", Value: true}}}}
}
