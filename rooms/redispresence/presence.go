// Package redispresence is rooms.Presence for a cluster: the nodes count
// each user's sockets per node in Redis, so a user is online while any node
// has a socket of theirs, and every transition is decided by one Lua script
// (scripts.go), so exactly one node announces it. Each node heartbeats; a
// node that stops (killed, cut off) is taken for dead after NodeTTL and
// the other nodes remove its users, announcing offline those connected
// nowhere else. Like centrifugal/centrifuge's PresenceManager beside its
// hub: the hub keeps its sockets, this keeps who is online.
package redispresence

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
)

// Config configures a Presence. Zero values take the defaults noted.
type Config struct {
	// Client is the cluster's Redis (one server or a primary; not a Redis
	// Cluster: see scripts.go). The caller closes it.
	Client goredis.UniversalClient
	// Prefix starts every key (the cluster's PARLEY_REDIS_PREFIX).
	Prefix string
	// NodeTTL is how long a node that stopped heartbeating still counts
	// (30s): it heartbeats every NodeTTL/3, and every node looks for dead
	// ones every NodeTTL/10, so a dead node's users go offline between
	// 2/3 and 11/10 of NodeTTL after it died.
	NodeTTL time.Duration
	NewID   func() string
	Logger  *slog.Logger
	Metrics *monitoring.Registry
}

// Presence is one node's view of the cluster's presence. Run keeps it
// alive (heartbeat, reaping); without Run a node is taken for dead after
// NodeTTL.
type Presence struct {
	client goredis.UniversalClient
	base   string
	ttl    time.Duration
	newID  func() string
	log    *slog.Logger

	reapedUsers prometheus.Counter
	rejoins     prometheus.Counter

	// gen is held for reading by every call that writes under this node's
	// id, and for writing while the id changes (rejoin) or the node
	// withdraws (Close).
	gen    sync.RWMutex
	node   string // "" until registered
	closed bool
	// dirty is set when a write may have been lost (Redis failed): the
	// next heartbeat registers this node anew from local.
	dirty atomic.Bool

	mu     sync.Mutex
	local  map[string]struct{} // users with a socket on this node
	logged time.Time

	changed atomic.Pointer[func([]string, bool)]
}

var _ rooms.Presence = (*Presence)(nil)

// errUnregistered is returned while this node could not register.
var errUnregistered = errors.New("this node is not registered in Redis")

// New returns a node's Presence; it talks to Redis on first use.
func New(cfg Config) *Presence {
	if cfg.NodeTTL <= 0 {
		cfg.NodeTTL = 30 * time.Second
	}
	// Below this the heartbeat would be a busy loop.
	cfg.NodeTTL = max(cfg.NodeTTL, 300*time.Millisecond)
	if cfg.NewID == nil {
		cfg.NewID = parley.NewID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	reg := monitoring.OrNew(cfg.Metrics)
	return &Presence{
		client:      cfg.Client,
		base:        cfg.Prefix + "#parley#presence#",
		ttl:         cfg.NodeTTL,
		newID:       cfg.NewID,
		log:         cfg.Logger,
		local:       map[string]struct{}{},
		reapedUsers: reg.Counter("presence_reaped_users_total", "Users this node announced offline because the node they were connected to stopped heartbeating."),
		rejoins:     reg.Counter("presence_node_rejoins_total", "Times this node registered its users in Redis anew, after Redis had taken it for dead or lost its writes."),
	}
}

func (p *Presence) nodesKey() string          { return p.base + "nodes" }
func (p *Presence) nodeKey(id string) string  { return p.base + "node:" + id }
func (p *Presence) userKey(uid string) string { return p.base + "user:" + uid }
func (p *Presence) leavingKey() string        { return p.base + "leaving" }
func ms(d time.Duration) string               { return strconv.FormatInt(d.Milliseconds(), 10) }

// keep is how long the keys of a grace period outlive it when no node is
// left to end it: far past when a reaper would.
func (p *Presence) keep(grace time.Duration) string { return ms(grace + 2*p.ttl) }

func unavailable(err error, what string) error {
	return parley.Wrap(parley.CodeUnavailable, err, "presence: %s", what)
}

// Arrived registers userID on this node (and this node, if Redis does not
// know it or took it for dead).
func (p *Presence) Arrived(ctx context.Context, userID string) (bool, error) {
	for attempt := 0; ; attempt++ {
		p.gen.RLock()
		if p.closed {
			p.gen.RUnlock()
			return false, nil
		}
		// The user is here whatever Redis says: a rejoin registers them.
		p.mu.Lock()
		p.local[userID] = struct{}{}
		p.mu.Unlock()
		node := p.node
		var came []string
		stale := node == ""
		if !stale {
			res, err := connectScript.Run(ctx, p.client, []string{p.nodesKey(), p.nodeKey(node), p.leavingKey()},
				node, ms(p.ttl), p.base, userID).Result()
			if err != nil {
				p.dirty.Store(true)
				p.gen.RUnlock()
				return false, unavailable(err, "register a socket")
			}
			came, stale = stringsOf(res), res == int64(-1)
		}
		p.gen.RUnlock()
		if !stale {
			return len(came) == 1, nil
		}
		if attempt > 0 {
			p.dirty.Store(true)
			return false, unavailable(errUnregistered, "register a socket")
		}
		// Registering anew registers userID too, and says whether they came
		// online; the retry then finds them known.
		back, err := p.rejoin(ctx, node)
		if err != nil {
			return false, err
		}
		for i, id := range back {
			if id == userID {
				back = append(back[:i], back[i+1:]...)
				p.notify(back, true, false)
				return true, nil
			}
		}
		p.notify(back, true, false)
	}
}

// Left unregisters userID from this node.
func (p *Presence) Left(ctx context.Context, userID string, grace time.Duration) (string, error) {
	p.gen.RLock()
	defer p.gen.RUnlock()
	p.mu.Lock()
	delete(p.local, userID)
	p.mu.Unlock()
	if p.closed {
		return "", nil
	}
	if p.node == "" {
		return "", unavailable(errUnregistered, "unregister a socket")
	}
	token := p.newID()
	res, err := disconnectScript.Run(ctx, p.client, []string{p.nodeKey(p.node), p.leavingKey()},
		p.node, ms(grace), p.base, token, p.keep(grace), userID).StringSlice()
	if err != nil {
		p.dirty.Store(true)
		return "", unavailable(err, "unregister a socket")
	}
	if len(res) == 0 {
		return "", nil
	}
	return token, nil
}

// Expire ends a grace period.
func (p *Presence) Expire(ctx context.Context, userID, token string) (bool, error) {
	n, err := expireScript.Run(ctx, p.client, []string{p.userKey(userID), p.leavingKey()}, userID, token).Int()
	if err != nil {
		return false, unavailable(err, "end a grace period")
	}
	return n == 1, nil
}

// Online reads every user's key in one round trip.
func (p *Presence) Online(ctx context.Context, userIDs []string) ([]bool, error) {
	cmds := make([]*goredis.IntCmd, len(userIDs))
	_, err := p.client.Pipelined(ctx, func(pipe goredis.Pipeliner) error {
		for i, id := range userIDs {
			cmds[i] = pipe.Exists(ctx, p.userKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, unavailable(err, "read who is online")
	}
	out := make([]bool, len(userIDs))
	for i, c := range cmds {
		out[i] = c.Val() > 0
	}
	return out, nil
}

// Close withdraws this node: its users begin their grace periods, which
// the other nodes end (reapLeavingScript), and the node is forgotten. If
// Redis does not answer, the other nodes reap this node after NodeTTL.
func (p *Presence) Close(ctx context.Context, grace time.Duration) error {
	p.gen.Lock()
	defer p.gen.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	node := p.node
	p.mu.Lock()
	users := keysOf(p.local)
	p.local = map[string]struct{}{}
	p.mu.Unlock()
	if node == "" {
		return nil
	}
	for len(users) > 0 {
		n := min(len(users), batchSize)
		args := append([]any{node, ms(grace), p.base, p.newID(), p.keep(grace)}, anys(users[:n])...)
		if err := disconnectScript.Run(ctx, p.client, []string{p.nodeKey(node), p.leavingKey()}, args...).Err(); err != nil {
			return unavailable(err, "withdraw this node (the others reap it)")
		}
		users = users[n:]
	}
	if err := p.client.ZRem(ctx, p.nodesKey(), node).Err(); err != nil {
		return unavailable(err, "withdraw this node (the others reap it)")
	}
	return nil
}

// notify hands changes the hub did not cause to Run's listener; from a
// caller that may hold the hub's locks, on a goroutine of its own.
func (p *Presence) notify(users []string, online, sync bool) {
	fn := p.changed.Load()
	if len(users) == 0 || fn == nil {
		return
	}
	if sync {
		(*fn)(users, online)
		return
	}
	go (*fn)(users, online)
}

// warn logs a failure of the background work now and then.
func (p *Presence) warn(msg string, err error) {
	p.mu.Lock()
	quiet := time.Since(p.logged) < 10*time.Second
	if !quiet {
		p.logged = time.Now()
	}
	p.mu.Unlock()
	if !quiet {
		p.log.Warn(msg, "err", err)
	}
}

// stringsOf reads a script's array answer (anything else is none).
func stringsOf(res any) []string {
	arr, _ := res.([]any)
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func keysOf(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
