package mongo

import (
	"context"
	"fmt"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Search implements store.Search with the trigrams each message carries
// (grams.go) and the multikey index (roomId, grams). A text index would
// not do: it splits words at spaces and punctuation, so it cannot find
// 数据库 inside 我们的数据库挂了. The trigrams of the query's long terms
// narrow the candidates through the index; a case-insensitive regular
// expression per term, with the term quoted, then confirms each one. When
// every term is shorter than three characters no trigram exists to look
// up, and the newest store.SearchScanLimit messages of the rooms are
// scanned instead (index (roomId, createdAt, _id)).
type Search struct{ db *DB }

var _ store.Search = (*Search)(nil)

// Search returns ErrInvalid for text with no terms or a BeforeID that
// names no message.
func (s *Search) Search(ctx context.Context, q store.SearchQuery) ([]parley.Message, bool, error) {
	terms, err := store.SearchTerms(q.Text)
	if err != nil {
		return nil, false, err
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	limit := clampLimit(q.Limit)
	base := bson.D{
		{Key: "roomId", Value: bson.D{{Key: "$in", Value: nonNil(q.RoomIDs)}}},
		{Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}},
	}
	if q.BeforeID != "" {
		var before struct {
			CreatedAt bson.DateTime `bson:"createdAt"`
		}
		err := s.db.col(colMessages).FindOne(ctx, byID(q.BeforeID),
			options.FindOne().SetProjection(bson.D{{Key: "createdAt", Value: 1}})).Decode(&before)
		if isNoDocuments(err) {
			return nil, false, fmt.Errorf("before %q names no message: %w", q.BeforeID, store.ErrInvalid)
		}
		if err != nil {
			return nil, false, storeError(err, "")
		}
		base = append(base, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before.CreatedAt}}}},
			bson.D{{Key: "createdAt", Value: before.CreatedAt}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: q.BeforeID}}}},
		}})
	}
	if len(q.RoomIDs) == 0 {
		return []parley.Message{}, false, nil
	}

	var docs []messageDoc
	if grams := queryGrams(terms); len(grams) > 0 {
		docs, err = findAll[messageDoc](ctx, s.db.col(colMessages), indexedFilter(base, grams, terms),
			options.Find().SetSort(newestFirst).SetLimit(int64(limit+1)))
	} else {
		docs, err = aggregateAll[messageDoc](ctx, s.db.col(colMessages), mongo.Pipeline{
			{{Key: "$match", Value: base}},
			{{Key: "$sort", Value: newestFirst}},
			{{Key: "$limit", Value: store.SearchScanLimit}},
			{{Key: "$match", Value: textFilter(terms)}},
			{{Key: "$limit", Value: limit + 1}},
		})
	}
	if err != nil {
		return nil, false, err
	}
	more := len(docs) > limit
	docs = docs[:min(len(docs), limit)]
	msgs := make([]parley.Message, len(docs))
	for i := range docs {
		msgs[i] = docs[i].message()
	}
	return msgs, more, nil
}

// newestFirst is the order of results: by createdAt, then _id, descending.
var newestFirst = bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}

// queryGrams are the distinct trigrams of the terms long enough to have any.
func queryGrams(terms []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range terms {
		grams, _ := trigrams(t, len(t))
		for _, g := range grams {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// indexedFilter finds the messages that carry every trigram, or that have
// too many trigrams to carry them all (gramsCut), and confirms the terms
// on their text. Each branch of the $or holds the whole condition, so that
// each can use its own index: (roomId, grams) and (roomId, createdAt, _id).
func indexedFilter(base bson.D, grams, terms []string) bson.D {
	branch := func(e bson.E) bson.D {
		d := append(bson.D{}, base...)
		return append(d, e, bson.E{Key: "$and", Value: textConditions(terms)})
	}
	return bson.D{{Key: "$or", Value: bson.A{
		branch(bson.E{Key: "grams", Value: bson.D{{Key: "$all", Value: grams}}}),
		branch(bson.E{Key: "gramsCut", Value: true}),
	}}}
}

// textFilter requires every term in the text.
func textFilter(terms []string) bson.D {
	return bson.D{{Key: "$and", Value: textConditions(terms)}}
}

// textConditions are one case-insensitive regular expression per term,
// quoted so that nothing in the term is syntax.
func textConditions(terms []string) bson.A {
	out := make(bson.A, len(terms))
	for i, t := range terms {
		out[i] = bson.D{{Key: "text", Value: bson.D{
			{Key: "$regex", Value: regexp.QuoteMeta(t)}, {Key: "$options", Value: "i"},
		}}}
	}
	return out
}

// nonNil turns a nil slice into an empty one: $in needs an array.
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// aggregateAll runs a pipeline and decodes every document.
func aggregateAll[T any](ctx context.Context, c *mongo.Collection, p mongo.Pipeline) ([]T, error) {
	cur, err := c.Aggregate(ctx, p)
	if err != nil {
		return nil, storeError(err, "")
	}
	var docs []T
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeError(err, "")
	}
	return docs, nil
}
