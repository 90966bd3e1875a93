// Package redisskills lets the assistant of every node in a cluster use the
// skills that service clients offer on any node.
//
// Each node keeps what the services connected to it offer in a Redis hash
// of its own, which expires unless the node renews it (a heartbeat every
// third of the TTL): a node that dies takes its skills with it within the
// TTL, and one that leaves deletes them at once. A question for a skill
// offered on another node goes to that node's pub/sub channel as a request
// with an id; the node asks its service over the service's socket and
// publishes the answer, under the same id, on the asking node's channel.
// Only the asking node posts the answer, so every mention is still answered
// once, by the node that accepted it.
package redisskills

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/monitoring"
)

// Config configures a Cluster. Zero values take the defaults noted.
type Config struct {
	// Client is the node's Redis connection (required).
	Client *goredis.Client
	// Prefix namespaces the keys and channels (PARLEY_REDIS_PREFIX:
	// "parley"); nodes with the same prefix share their skills.
	Prefix string
	// NodeID names this node; each process needs one of its own (required).
	NodeID string
	// Local holds the skills of the services connected to this node
	// (required).
	Local *assistant.Remotes
	// TTL is how long a node's skills outlive its last heartbeat (10s); it
	// beats every TTL/3.
	TTL time.Duration
	// OpTimeout bounds one registry read or write (1s), so a Redis outage
	// delays a question by no more than that.
	OpTimeout time.Duration
	// MaxServing bounds the other nodes' requests served at once (64);
	// past it they are refused as busy.
	MaxServing int
	Now        func() time.Time
	Logger     *slog.Logger
	Metrics    *monitoring.Registry
}

func (c *Config) defaults() {
	if c.Prefix == "" {
		c.Prefix = "parley"
	}
	if c.TTL <= 0 {
		c.TTL = 10 * time.Second
	}
	if c.OpTimeout <= 0 {
		c.OpTimeout = time.Second
	}
	if c.MaxServing <= 0 {
		c.MaxServing = 64
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Cluster is the skills of every node: this node's (Local) first, then
// those the registry lists for the other nodes, whose questions travel
// over Redis.
type Cluster struct {
	cfg     Config
	log     *slog.Logger
	keys    keys
	metrics *metrics
	serving chan struct{} // semaphore of other nodes' requests in flight

	stop   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// writing orders this node's writes to the registry: a claim, a
	// release and a heartbeat's re-claims never interleave. It is held
	// across Redis calls; mu is not.
	writing sync.Mutex
	mu      sync.Mutex
	claims  map[string]*claim // this node's registrations, by id
	closed  bool

	pmu     sync.Mutex
	pending map[string]chan envelope // this node's questions, by request id
}

var (
	_ assistant.Services = (*Cluster)(nil)
	// Also the transport's registry (server.SkillRegistry), which this
	// package does not import.
	_ interface {
		Register(assistant.RemoteSkill, parley.User, assistant.AskFunc) (func(), error)
	} = (*Cluster)(nil)
)

// New starts the node's heartbeat and its request channel; Close stops
// them and takes the node's skills out of the registry.
func New(cfg Config) *Cluster {
	cfg.defaults()
	stop, cancel := context.WithCancel(context.Background())
	c := &Cluster{
		cfg:     cfg,
		log:     cfg.Logger.With("component", "skills", "node", cfg.NodeID),
		keys:    newKeys(cfg.Prefix),
		metrics: newMetrics(monitoring.OrNew(cfg.Metrics)),
		serving: make(chan struct{}, cfg.MaxServing),
		stop:    stop,
		cancel:  cancel,
		claims:  map[string]*claim{},
		pending: map[string]chan envelope{},
	}
	c.wg.Add(2)
	go c.listen()
	go c.beat()
	return c
}

// Register offers s on this node and claims its name and aliases in the
// registry for the whole cluster, until unregister is called.
// BAD_REQUEST for a name or alias that shadows a built-in command;
// CONFLICT when another service offers one of them, on any node. With
// Redis out of reach the skill is offered on this node only, and to the
// others once Redis answers again.
func (c *Cluster) Register(s assistant.RemoteSkill, service parley.User, ask assistant.AskFunc) (unregister func(), err error) {
	if s, err = s.Checked(); err != nil {
		return nil, err
	}
	cl := newClaim(c.cfg.NodeID, service, s)
	c.writing.Lock()
	defer c.writing.Unlock()
	ctx, cancel := context.WithTimeout(c.stop, c.cfg.OpTimeout)
	defer cancel()
	switch err := c.claim(ctx, cl); {
	case parley.CodeOf(err) == parley.CodeConflict:
		return nil, err
	case err != nil:
		c.log.Warn("skill registry out of reach: the skill is offered on this node only until Redis answers", "skill", s.Name, "err", err)
	}
	unregisterLocal, err := c.cfg.Local.Register(s, service, ask)
	if err != nil {
		c.release(ctx, cl)
		return nil, err
	}
	c.mu.Lock()
	c.claims[cl.entry.Reg] = cl
	c.mu.Unlock()
	return func() {
		unregisterLocal()
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.claims[cl.entry.Reg]; !ok || c.closed {
			return // released already, or Close takes the whole node out
		}
		delete(c.claims, cl.entry.Reg)
		// Off the caller's goroutine (a socket's disconnect handler); the
		// release deletes this registration only, never a newer one.
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.writing.Lock()
			defer c.writing.Unlock()
			// Not bounded by Close: a shutdown closes the sockets first,
			// and their releases are still worth making.
			ctx, cancel := context.WithTimeout(context.Background(), c.cfg.OpTimeout)
			defer cancel()
			c.release(ctx, cl)
		}()
	}, nil
}

// Skills lists this node's skills, then the other nodes' (a name or alias
// offered here shadows the same one offered elsewhere). A skill that the
// same service offers on several other nodes is asked on the first of
// them that still listens. With the registry out of reach it returns this
// node's skills and UNAVAILABLE.
func (c *Cluster) Skills(ctx context.Context) ([]assistant.Skill, error) {
	local, _ := c.cfg.Local.Skills(ctx)
	ctx, cancel := context.WithTimeout(ctx, c.cfg.OpTimeout)
	defer cancel()
	entries, err := c.list(ctx)
	if err != nil {
		return local, parley.Wrap(parley.CodeUnavailable, err, "the skills of other nodes are unknown: Redis is out of reach")
	}
	taken := c.localWords()
	for _, s := range local {
		taken[s.Name()] = true
	}
	type offer struct {
		entry entry
		nodes []string
	}
	var offers []*offer
	bySkill := map[string]*offer{} // by skill name and service id
	for _, e := range entries {
		if e.Node == c.cfg.NodeID {
			continue
		}
		key := e.Skill.Name + "\x00" + e.ServiceID
		if o := bySkill[key]; o != nil {
			// Another instance of the same service: where to ask if the
			// first one's node is gone (a service that reconnected to
			// another node while its old node's skills live on).
			o.nodes = append(o.nodes, e.Node)
			continue
		}
		if slices.ContainsFunc(e.Words, func(w string) bool { return taken[w] }) {
			continue
		}
		for _, w := range e.Words {
			taken[w] = true
		}
		o := &offer{entry: e, nodes: []string{e.Node}}
		bySkill[key] = o
		offers = append(offers, o)
	}
	out := local
	for _, o := range offers {
		e := o.entry
		service := parley.User{ID: e.ServiceID, Username: e.ServiceName, Kind: parley.KindService}
		out = append(out, assistant.ServiceSkill(e.Skill, service, c.askNodes(o.nodes), c.nowMillis))
	}
	slices.SortFunc(out, func(a, b assistant.Skill) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// localWords are the names and aliases of the skills offered on this node.
func (c *Cluster) localWords() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]bool{}
	for _, cl := range c.claims {
		for _, w := range cl.entry.Words {
			out[w] = true
		}
	}
	return out
}

// Close stops the heartbeat and the request channel, waits for the
// requests being served, and deletes this node's skills from the registry
// (a node that cannot say so loses them after the TTL). Safe to call
// twice.
func (c *Cluster) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.OpTimeout)
	defer cancel()
	if err := c.leave(ctx); err != nil {
		c.log.Warn("skills not taken out of the registry: other nodes drop them within the TTL", "ttl", c.cfg.TTL, "err", err)
	}
}

func (c *Cluster) nowMillis() int64 { return c.cfg.Now().UnixMilli() }

// marshal encodes what this package itself builds, which always encodes.
func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
