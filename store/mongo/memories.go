package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Memories implements store.Memories. Each write is one atomic update of
// the room's document (upserted), so two writers to one room cannot lose
// each other's changes. The TTL index on updatedAt expires quiet rooms'
// memories on the server; Expire does the same on demand.
type Memories struct{ db *DB }

var _ store.Memories = (*Memories)(nil)

// Get returns the room's memory, empty if none is stored.
func (s *Memories) Get(ctx context.Context, roomID string) (*store.Memory, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d memoryDoc
	err := s.db.col(colMemory).FindOne(ctx, byRoomID(roomID)).Decode(&d)
	if isNoDocuments(err) {
		return &store.Memory{RoomID: roomID, Dialogues: map[string]store.Dialogue{}}, nil
	}
	if err != nil {
		return nil, storeError(err, "memory")
	}
	return d.memory(), nil
}

// AddTurns appends turns and keeps the newest keep.
func (s *Memories) AddTurns(ctx context.Context, roomID string, turns []store.Turn, keep int) error {
	if roomID == "" || keep < 1 {
		return fmt.Errorf("room and a positive turn limit are required: %w", store.ErrInvalid)
	}
	return s.upsert(ctx, roomID, addTurns(turns, keep, s.db.stamp(time.Time{})))
}

// SetDialogue stores or (nil d) ends userID's dialogue in the room.
func (s *Memories) SetDialogue(ctx context.Context, roomID, userID string, d *store.Dialogue) error {
	if roomID == "" || userID == "" {
		return fmt.Errorf("room and user are required: %w", store.ErrInvalid)
	}
	return s.upsert(ctx, roomID, setDialogue(userID, d, s.db.stamp(time.Time{})))
}

// upsert applies update to the room's memory, creating it if needed. Two
// first writers racing to create it may collide on the unique roomId; the
// server retries such upserts itself since 4.2, and retryOnDuplicate
// covers the rest.
func (s *Memories) upsert(ctx context.Context, roomID string, update any) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	_, err := retryOnDuplicate(func() (*mongo.UpdateResult, error) {
		return s.db.col(colMemory).UpdateOne(ctx, byRoomID(roomID), update, options.UpdateOne().SetUpsert(true))
	})
	return storeError(err, "")
}

// Expire deletes memories not written since before.
func (s *Memories) Expire(ctx context.Context, before time.Time) (int64, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colMemory).DeleteMany(ctx, updatedBefore(parley.Millis(before)))
	if err != nil {
		return 0, storeError(err, "")
	}
	return res.DeletedCount, nil
}
