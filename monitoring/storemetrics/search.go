package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var _ store.Search = (*timedSearch)(nil)

type timedSearch struct {
	next   store.Search
	search op
}

func newTimedSearch(next store.Search, m *metrics) *timedSearch {
	return &timedSearch{next: next, search: m.op("search.search")}
}

func (t *timedSearch) Search(ctx context.Context, q store.SearchQuery) (_ []parley.Message, _ bool, err error) {
	defer t.search.done(time.Now(), &err)
	return t.next.Search(ctx, q)
}
