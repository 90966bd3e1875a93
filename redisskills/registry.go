package redisskills

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
)

// keys names what the registry keeps in Redis, under the cluster's prefix.
type keys struct {
	// nodes is a set of the ids of the nodes that offer skills.
	nodes string
	// nodePrefix + a node id is that node's hash: skill name -> entry,
	// expiring unless the node beats.
	nodePrefix string
	// channelPrefix + a node id is the channel that node reads its
	// requests and its replies on.
	channelPrefix string
}

func newKeys(prefix string) keys {
	base := prefix + "#parley#skills"
	return keys{nodes: base + "#nodes", nodePrefix: base + "#node#", channelPrefix: base + "#"}
}

func (k keys) node(id string) string    { return k.nodePrefix + id }
func (k keys) channel(id string) string { return k.channelPrefix + id }

// entry is one registration as the registry keeps it (JSON).
type entry struct {
	// Reg identifies the registration, so that releasing it never deletes
	// a newer one of the same name (a service that reconnected).
	Reg         string                `json:"reg"`
	Node        string                `json:"node"`
	ServiceID   string                `json:"serviceId"`
	ServiceName string                `json:"serviceName"`
	Skill       assistant.RemoteSkill `json:"skill"`
	// Words are the name and aliases, lower-cased: what no other service
	// may offer as well.
	Words []string `json:"words"`
}

// claimState says where a registration of this node stands in Redis.
type claimState int

const (
	pending   claimState = iota // not written yet: Redis was out of reach
	published                   // in the node's hash
	refused                     // another service took a word meanwhile: this node only
)

type claim struct {
	entry entry
	value string // entry as stored: a release compares it
	state claimState
}

func newClaim(node string, service parley.User, s assistant.RemoteSkill) *claim {
	e := entry{Reg: parley.NewID(), Node: node, ServiceID: service.ID, ServiceName: service.Username, Skill: s, Words: s.Words()}
	return &claim{entry: e, value: marshal(e)}
}

// claimScript checks that no other service offers one of the words on any
// node and adds the entry to this node's hash, in one step. It answers the
// first word taken, or nil. Hashes of dead nodes have expired; their ids
// are swept from the nodes set on the way.
//
// KEYS[1] the nodes set, KEYS[2] this node's hash. ARGV[1] the node hash
// prefix, ARGV[2] this node's id, ARGV[3] the service's id, ARGV[4] the
// skill's name, ARGV[5] the entry, ARGV[6] the TTL in ms, ARGV[7...] the
// words.
var claimScript = goredis.NewScript(`
local words = {}
for i = 7, #ARGV do words[ARGV[i]] = true end
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local entries = redis.call('HVALS', ARGV[1] .. node)
  if #entries == 0 and node ~= ARGV[2] then
    redis.call('SREM', KEYS[1], node)
  end
  for _, raw in ipairs(entries) do
    local e = cjson.decode(raw)
    if e.serviceId ~= ARGV[3] then
      for _, w in ipairs(e.words) do
        if words[w] then return w end
      end
    end
  end
end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('SADD', KEYS[1], ARGV[2])
return false
`)

// releaseScript deletes a registration if it is still the one stored.
// KEYS[1] the node's hash; ARGV[1] the skill's name, ARGV[2] the entry.
var releaseScript = goredis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
`)

// listScript answers every live node's entries. KEYS[1] the nodes set;
// ARGV[1] the node hash prefix.
var listScript = goredis.NewScript(`
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  for _, raw in ipairs(redis.call('HVALS', ARGV[1] .. node)) do
    out[#out + 1] = raw
  end
end
return out
`)

// claim writes cl to this node's hash unless another service offers one
// of its words: CONFLICT. Other errors are Redis's. Call with writing held.
func (c *Cluster) claim(ctx context.Context, cl *claim) error {
	e := cl.entry
	args := []any{c.keys.nodePrefix, c.cfg.NodeID, e.ServiceID, e.Skill.Name, cl.value, c.cfg.TTL.Milliseconds()}
	for _, w := range e.Words {
		args = append(args, w)
	}
	taken, err := claimScript.Run(ctx, c.cfg.Client, []string{c.keys.nodes, c.keys.node(c.cfg.NodeID)}, args...).Text()
	switch {
	case errors.Is(err, goredis.Nil):
		cl.state = published
		return nil
	case err != nil:
		return err
	}
	cl.state = refused
	return parley.Errorf(parley.CodeConflict, "skill %q is offered by another service", taken)
}

// release deletes cl from this node's hash, if it is there: a claim
// that timed out may have been written all the same. Call with writing
// held.
func (c *Cluster) release(ctx context.Context, cl *claim) {
	if cl.state == refused {
		return
	}
	if err := releaseScript.Run(ctx, c.cfg.Client, []string{c.keys.node(c.cfg.NodeID)}, cl.entry.Skill.Name, cl.value).Err(); err != nil {
		c.log.Warn("skill not taken out of the registry: other nodes ask for it in vain until this node's skills expire", "skill", cl.entry.Skill.Name, "err", err)
	}
}

// list reads the entries of every node whose skills have not expired,
// ordered by skill name, then node.
func (c *Cluster) list(ctx context.Context) ([]entry, error) {
	raws, err := listScript.Run(ctx, c.cfg.Client, []string{c.keys.nodes}, c.keys.nodePrefix).StringSlice()
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(raws))
	for _, raw := range raws {
		var e entry
		if err := json.Unmarshal([]byte(raw), &e); err != nil || e.Skill.Name == "" || e.Node == "" {
			c.log.Warn("ignoring a malformed skill registration", "entry", raw)
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int {
		if n := strings.Compare(a.Skill.Name, b.Skill.Name); n != 0 {
			return n
		}
		return strings.Compare(a.Node, b.Node)
	})
	return out, nil
}

// leave takes this node's skills out of the registry.
func (c *Cluster) leave(ctx context.Context) error {
	c.writing.Lock()
	defer c.writing.Unlock()
	_, err := c.cfg.Client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, c.keys.node(c.cfg.NodeID))
		p.SRem(ctx, c.keys.nodes, c.cfg.NodeID)
		return nil
	})
	return err
}
