package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colMeta records one-off changes to stored data that have been done.
const colMeta = "meta"

// gramsBackfilled names the record of backfillGrams.
const gramsBackfilled = "searchGrams"

// backfillBatch is how many messages one bulk write gives trigrams.
const backfillBatch = 500

// backfillGrams gives the messages stored before search existed (they have
// no grams key) their trigrams, once per database: Open runs it until the
// meta record says it is done. Each update applies only if the text is the
// one the trigrams were made of, so an edit racing with it wins; nodes
// starting together may both run it, to the same effect.
func (db *DB) backfillGrams(ctx context.Context) error {
	err := db.col(colMeta).FindOne(ctx, byID(gramsBackfilled), optsIDOnly()).Err()
	if err == nil {
		return nil
	}
	if !isNoDocuments(err) {
		return fmt.Errorf("mongo: search backfill: %w", err)
	}
	cur, err := db.col(colMessages).Find(ctx, bson.D{
		{Key: "grams", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}},
	}, options.Find().SetProjection(bson.D{{Key: "text", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: search backfill: %w", err)
	}
	defer cur.Close(ctx)
	var writes []mongo.WriteModel
	flush := func() error {
		if len(writes) == 0 {
			return nil
		}
		_, err := db.col(colMessages).BulkWrite(ctx, writes, options.BulkWrite().SetOrdered(false))
		writes = writes[:0]
		return err
	}
	for cur.Next(ctx) {
		var d struct {
			ID   string `bson:"_id"`
			Text string `bson:"text"`
		}
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: search backfill: %w", err)
		}
		writes = append(writes, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "text", Value: d.Text}, {Key: "grams", Value: bson.D{{Key: "$exists", Value: false}}}}).
			SetUpdate(bson.D{{Key: "$set", Value: gramsFields(d.Text)}}))
		if len(writes) == backfillBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("mongo: search backfill: %w", err)
			}
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: search backfill: %w", err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("mongo: search backfill: %w", err)
	}
	_, err = db.col(colMeta).UpdateOne(ctx, byID(gramsBackfilled),
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: db.cfg.Now()}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongo: search backfill: %w", err)
	}
	return nil
}
