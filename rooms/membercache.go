package rooms

import (
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/parley-chat/parley"
)

// Membership is read on every send, typing, read and history request, and
// changes rarely, so the hub keeps the memberships it has read. Only
// memberships that exist are kept: a join needs no invalidation, and a
// leave, a kick or a role change must call forget (here and, through
// Peers, on every other node).
const (
	memberCacheSize = 100_000
	// memberCacheTTL bounds how long a membership ended on another node can
	// still be honoured here if that node's notice never arrived (the
	// notices travel over Redis, which can drop them during an outage).
	memberCacheTTL = 30 * time.Second
)

type memberKey struct{ room, user string }

type cachedMember struct {
	m       parley.Membership
	expires time.Time
}

// memberCache is an LRU whose entries also expire; expiry is checked on
// read (the library's expiring LRU runs a goroutine that never stops).
type memberCache struct {
	lru *lru.Cache[memberKey, cachedMember]
	now func() time.Time
	// epoch moves on every forget. A read that started before a forget
	// must not put what it read, which may be the membership just ended.
	epoch atomic.Uint64
}

func newMemberCache(now func() time.Time) *memberCache {
	c, err := lru.New[memberKey, cachedMember](memberCacheSize)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return &memberCache{lru: c, now: now}
}

// get returns a copy of the cached membership. Its ReadSeq is not kept:
// the read cursor moves with every read and is never answered from here.
func (c *memberCache) get(roomID, userID string) (*parley.Membership, bool) {
	e, ok := c.lru.Get(memberKey{roomID, userID})
	if !ok {
		return nil, false
	}
	if !c.now().Before(e.expires) {
		c.lru.Remove(memberKey{roomID, userID})
		return nil, false
	}
	return &e.m, true
}

// begin returns the token a later put needs.
func (c *memberCache) begin() uint64 { return c.epoch.Load() }

// put keeps m unless a forget happened since begin returned epoch.
func (c *memberCache) put(m parley.Membership, epoch uint64) {
	m.ReadSeq = 0
	if c.epoch.Load() != epoch {
		return
	}
	c.lru.Add(memberKey{m.RoomID, m.UserID}, cachedMember{m: m, expires: c.now().Add(memberCacheTTL)})
	// A forget between the check and the Add would be lost: undo it.
	if c.epoch.Load() != epoch {
		c.lru.Remove(memberKey{m.RoomID, m.UserID})
	}
}

func (c *memberCache) forget(roomID, userID string) {
	c.epoch.Add(1)
	c.lru.Remove(memberKey{roomID, userID})
}

func (c *memberCache) forgetAll() {
	c.epoch.Add(1)
	c.lru.Purge()
}
