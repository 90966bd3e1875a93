package storemetrics

import (
	"context"
	"time"

	"github.com/parley-chat/parley/store"
)

var (
	_ store.Memories      = (*timedMemories)(nil)
	_ store.KnowledgeBase = (*timedKnowledge)(nil)
	_ store.Services      = (*timedServices)(nil)
)

type timedMemories struct {
	next                               store.Memories
	get, addTurns, setDialogue, expire op
}

func newTimedMemories(next store.Memories, m *metrics) *timedMemories {
	return &timedMemories{
		next:        next,
		get:         m.op("memories.get"),
		addTurns:    m.op("memories.add_turns"),
		setDialogue: m.op("memories.set_dialogue"),
		expire:      m.op("memories.expire"),
	}
}

func (t *timedMemories) Get(ctx context.Context, roomID string) (_ *store.Memory, err error) {
	defer t.get.done(time.Now(), &err)
	return t.next.Get(ctx, roomID)
}

func (t *timedMemories) AddTurns(ctx context.Context, roomID string, turns []store.Turn, keep int) (err error) {
	defer t.addTurns.done(time.Now(), &err)
	return t.next.AddTurns(ctx, roomID, turns, keep)
}

func (t *timedMemories) SetDialogue(ctx context.Context, roomID, userID string, d *store.Dialogue) (err error) {
	defer t.setDialogue.done(time.Now(), &err)
	return t.next.SetDialogue(ctx, roomID, userID, d)
}

func (t *timedMemories) Expire(ctx context.Context, before time.Time) (_ int64, err error) {
	defer t.expire.done(time.Now(), &err)
	return t.next.Expire(ctx, before)
}

type timedKnowledge struct {
	next                  store.KnowledgeBase
	teach, lookup, forget op
}

func newTimedKnowledge(next store.KnowledgeBase, m *metrics) *timedKnowledge {
	return &timedKnowledge{
		next:   next,
		teach:  m.op("knowledge.teach"),
		lookup: m.op("knowledge.lookup"),
		forget: m.op("knowledge.forget"),
	}
}

func (t *timedKnowledge) Teach(ctx context.Context, k store.Knowledge) (err error) {
	defer t.teach.done(time.Now(), &err)
	return t.next.Teach(ctx, k)
}

func (t *timedKnowledge) Lookup(ctx context.Context, roomID, question string) (_ *store.Knowledge, err error) {
	defer t.lookup.done(time.Now(), &err)
	return t.next.Lookup(ctx, roomID, question)
}

func (t *timedKnowledge) Forget(ctx context.Context, roomID, question string) (err error) {
	defer t.forget.done(time.Now(), &err)
	return t.next.Forget(ctx, roomID, question)
}

type timedServices struct {
	next                                         store.Services
	create, byAppID, setSecret, setRevoked, list op
}

func newTimedServices(next store.Services, m *metrics) *timedServices {
	return &timedServices{
		next:       next,
		create:     m.op("services.create"),
		byAppID:    m.op("services.by_app_id"),
		setSecret:  m.op("services.set_secret"),
		setRevoked: m.op("services.set_revoked"),
		list:       m.op("services.list"),
	}
}

func (t *timedServices) Create(ctx context.Context, s *store.Service) (err error) {
	defer t.create.done(time.Now(), &err)
	return t.next.Create(ctx, s)
}

func (t *timedServices) ByAppID(ctx context.Context, appID string) (_ *store.Service, err error) {
	defer t.byAppID.done(time.Now(), &err)
	return t.next.ByAppID(ctx, appID)
}

func (t *timedServices) SetSecret(ctx context.Context, appID, secretHash string) (err error) {
	defer t.setSecret.done(time.Now(), &err)
	return t.next.SetSecret(ctx, appID, secretHash)
}

func (t *timedServices) SetRevoked(ctx context.Context, appID string, revoked bool) (err error) {
	defer t.setRevoked.done(time.Now(), &err)
	return t.next.SetRevoked(ctx, appID, revoked)
}

func (t *timedServices) List(ctx context.Context) (_ []store.Service, err error) {
	defer t.list.done(time.Now(), &err)
	return t.next.List(ctx)
}
