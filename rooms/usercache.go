package rooms

import (
	"context"
	"sync"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/store"
)

// userCacheSize bounds the cache; it is simply reset when full, which is
// cheap because accounts are looked up again in one batch.
const userCacheSize = 10000

// userCache resolves sender ids to wire users without a store round trip per
// message. Accounts change rarely; a stale display name for a while is fine.
type userCache struct {
	users store.Users
	mu    sync.RWMutex
	byID  map[string]protocol.User
}

func newUserCache(users store.Users) *userCache {
	return &userCache{users: users, byID: map[string]protocol.User{}}
}

func (c *userCache) put(u parley.User) protocol.User {
	v := protocol.UserOf(u)
	c.mu.Lock()
	if len(c.byID) >= userCacheSize {
		c.byID = map[string]protocol.User{}
	}
	c.byID[u.ID] = v
	c.mu.Unlock()
	return v
}

// resolve returns wire users for ids; unknown ids (deleted accounts) map to
// a placeholder so history still renders.
func (c *userCache) resolve(ctx context.Context, ids []string) (map[string]protocol.User, error) {
	out := make(map[string]protocol.User, len(ids))
	var missing []string
	c.mu.RLock()
	for _, id := range ids {
		if u, ok := c.byID[id]; ok {
			out[id] = u
		} else if _, dup := out[id]; !dup {
			missing = append(missing, id)
		}
	}
	c.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	found, err := c.users.ByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, u := range found {
		out[u.ID] = c.put(u)
	}
	for _, id := range missing {
		if _, ok := out[id]; !ok {
			out[id] = protocol.User{ID: id, Username: "unknown", DisplayName: "Unknown user", Kind: parley.KindHuman}
		}
	}
	return out, nil
}
