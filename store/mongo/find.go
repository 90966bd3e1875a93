package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// findAll runs a find and decodes every document. opts may be nil.
func findAll[T any](ctx context.Context, c *mongo.Collection, filter any, opts *options.FindOptionsBuilder) ([]T, error) {
	if opts == nil {
		opts = options.Find()
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, storeError(err, "")
	}
	var docs []T
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storeError(err, "")
	}
	return docs, nil
}

func optsIDOnly() *options.FindOneOptionsBuilder { return options.FindOne().SetProjection(idOnly) }

func isNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }
