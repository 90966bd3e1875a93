package redispresence

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// batchSize bounds the users one script handles, so a node with many users
// never holds Redis for long.
const batchSize = 500

// maxBatches bounds the batches of one reaping round; the next round goes
// on where it stopped.
const maxBatches = 100

// Run heartbeats and reaps until ctx ends or Close, handing changed the
// users whose presence changed without the hub's doing: the users of dead
// nodes going offline, and this node's users coming back online when it
// registers anew. changed must not call back into p while p waits for it.
func (p *Presence) Run(ctx context.Context, changed func(userIDs []string, online bool)) {
	p.changed.Store(&changed)
	beat := time.NewTicker(p.ttl / 3)
	defer beat.Stop()
	reap := time.NewTicker(p.reapEvery())
	defer reap.Stop()
	p.heartbeat(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			p.heartbeat(ctx)
		case <-reap.C:
			p.reap(ctx)
		}
		p.gen.RLock()
		closed := p.closed
		p.gen.RUnlock()
		if closed {
			return
		}
	}
}

func (p *Presence) reapEvery() time.Duration { return p.ttl / 10 }

// leavingSlack is how long past its end a grace period is left to the node
// that began it, whose timer ends it on time, before any node ends it.
func (p *Presence) leavingSlack() time.Duration { return min(time.Second, p.reapEvery()) }

// heartbeat renews this node, or registers it anew when Redis does not
// know it, took it for dead, or may have lost a write.
func (p *Presence) heartbeat(ctx context.Context) {
	p.gen.RLock()
	node, closed := p.node, p.closed
	p.gen.RUnlock()
	if closed {
		return
	}
	if node != "" && !p.dirty.Load() {
		ctx, cancel := context.WithTimeout(ctx, p.ttl/3)
		n, err := heartbeatScript.Run(ctx, p.client, []string{p.nodesKey()}, node, ms(p.ttl), "0").Int()
		cancel()
		if err != nil {
			p.warn("presence: heartbeat failed; Redis takes this node for dead after the node TTL", err)
			return
		}
		if n == 1 {
			return
		}
	}
	back, err := p.rejoin(ctx, node)
	if err != nil {
		p.warn("presence: could not register this node", err)
		return
	}
	p.notify(back, true, true)
}

// rejoin registers this node under a new id, with every user it has a
// socket of, and retires the old id, which the reapers then clear (users
// registered under the new id stay online). A new id keeps this node's
// writes apart from a reaper's still clearing the old one. It returns the
// users that were offline everywhere (Redis had forgotten them). A no-op
// when stale is no longer this node's id (another call rejoined).
func (p *Presence) rejoin(ctx context.Context, stale string) ([]string, error) {
	p.gen.Lock()
	defer p.gen.Unlock()
	if p.closed || p.node != stale {
		return nil, nil
	}
	fresh := p.newID()
	if err := heartbeatScript.Run(ctx, p.client, []string{p.nodesKey()}, fresh, ms(p.ttl), "1").Err(); err != nil {
		return nil, unavailable(err, "register this node")
	}
	p.mu.Lock()
	users := keysOf(p.local)
	p.mu.Unlock()
	var back []string
	for len(users) > 0 {
		n := min(len(users), batchSize)
		res, err := connectScript.Run(ctx, p.client, []string{p.nodesKey(), p.nodeKey(fresh), p.leavingKey()},
			append([]any{fresh, ms(p.ttl), p.base}, anys(users[:n])...)...).Result()
		if err != nil || res == int64(-1) {
			// Left half registered: retired, the reapers clear it.
			p.client.ZAdd(ctx, p.nodesKey(), retired(fresh))
			if err == nil {
				err = errUnregistered
			}
			return nil, unavailable(err, "register this node's users")
		}
		back = append(back, stringsOf(res)...)
		users = users[n:]
	}
	if stale != "" {
		// Score 0 is older than any TTL: the next reaping round clears it.
		// Should this fail, the old id stops heartbeating and is reaped
		// after NodeTTL all the same.
		if err := p.client.ZAdd(ctx, p.nodesKey(), retired(stale)).Err(); err != nil {
			p.warn("presence: retire this node's old id", err)
		}
		p.rejoins.Inc()
		p.log.Info("presence: registered this node anew", "old", stale, "new", fresh, "back_online", len(back))
	}
	p.node = fresh
	p.dirty.Store(false)
	return back, nil
}

// reap clears the nodes taken for dead and the grace periods nobody ended,
// and announces their users offline.
func (p *Presence) reap(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, p.ttl/3)
	defer cancel()
	var offline []string
	for range maxBatches {
		res, err := reapNodeScript.Run(ctx, p.client, []string{p.nodesKey()}, ms(p.ttl), p.base, batchSize).StringSlice()
		if err != nil {
			p.warn("presence: reap dead nodes", err)
			break
		}
		if len(res) == 0 {
			break
		}
		offline = append(offline, res[1:]...)
	}
	p.reapedUsers.Add(float64(len(offline)))
	for range maxBatches {
		// The node that began a grace period ends it on time; this is for
		// the ones whose node died or closed meanwhile.
		res, err := reapLeavingScript.Run(ctx, p.client, []string{p.leavingKey()}, ms(p.leavingSlack()), p.base, batchSize).StringSlice()
		if err != nil {
			p.warn("presence: end orphaned grace periods", err)
			break
		}
		offline = append(offline, res...)
		if len(res) < batchSize {
			break
		}
	}
	p.notify(offline, false, true)
}

func retired(node string) goredis.Z { return goredis.Z{Score: 0, Member: node} }
