package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley/store"
)

// Knowledge implements store.KnowledgeBase.
type Knowledge struct{ db *DB }

var _ store.KnowledgeBase = (*Knowledge)(nil)

// Teach stores k, replacing an earlier answer to the same question (an
// upsert on the unique (roomId, question)).
func (s *Knowledge) Teach(ctx context.Context, k store.Knowledge) error {
	if k.Question == "" || k.Answer == "" {
		return fmt.Errorf("question and answer are required: %w", store.ErrInvalid)
	}
	created := s.db.stamp(k.CreatedAt)
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	_, err := retryOnDuplicate(func() (*mongo.UpdateResult, error) {
		return s.db.col(colKnowledge).UpdateOne(ctx, knowledgeKey(k.RoomID, k.Question), teach(k, created),
			options.UpdateOne().SetUpsert(true))
	})
	return storeError(err, "")
}

// Lookup prefers the room's own answer to the one taught for every room.
func (s *Knowledge) Lookup(ctx context.Context, roomID, question string) (*store.Knowledge, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	filter, sort := knowledgeLookup(roomID, question)
	var d knowledgeDoc
	if err := s.db.col(colKnowledge).FindOne(ctx, filter, options.FindOne().SetSort(sort)).Decode(&d); err != nil {
		return nil, storeError(err, "answer")
	}
	return &store.Knowledge{RoomID: d.RoomID, Question: d.Question, Answer: d.Answer, TaughtBy: d.TaughtBy,
		CreatedAt: d.CreatedAt.UTC()}, nil
}

// Forget removes the room's answer to question.
func (s *Knowledge) Forget(ctx context.Context, roomID, question string) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colKnowledge).DeleteOne(ctx, knowledgeKey(roomID, question))
	if err != nil {
		return storeError(err, "")
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("nothing was taught for %q: %w", question, store.ErrNotFound)
	}
	return nil
}
