package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley/store"
)

var _ store.Revocations = (*timedRevocations)(nil)

type timedRevocations struct {
	next                          store.Revocations
	revoke, revoked, since, purge op
}

func newTimedRevocations(next store.Revocations, m *metrics) *timedRevocations {
	return &timedRevocations{
		next:    next,
		revoke:  m.op("revocations.revoke"),
		revoked: m.op("revocations.revoked"),
		since:   m.op("revocations.since"),
		purge:   m.op("revocations.purge"),
	}
}

func (t *timedRevocations) Revoke(ctx context.Context, r store.Revocation) (err error) {
	defer t.revoke.done(time.Now(), &err)
	return t.next.Revoke(ctx, r)
}

func (t *timedRevocations) Revoked(ctx context.Context, userID, tokenID string, issuedAt time.Time) (_ bool, err error) {
	defer t.revoked.done(time.Now(), &err)
	return t.next.Revoked(ctx, userID, tokenID, issuedAt)
}

func (t *timedRevocations) Since(ctx context.Context, since time.Time) (_ []store.Revocation, err error) {
	defer t.since.done(time.Now(), &err)
	return t.next.Since(ctx, since)
}

func (t *timedRevocations) Purge(ctx context.Context, before time.Time) (_ int64, err error) {
	defer t.purge.done(time.Now(), &err)
	return t.next.Purge(ctx, before)
}
