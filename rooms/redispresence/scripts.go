package redispresence

import goredis "github.com/redis/go-redis/v9"

// Every change of presence is one of these scripts, so that Redis decides
// each transition atomically and exactly one node sees it happen. Time is
// Redis's own (TIME): the nodes' clocks never meet.
//
// Keys (base = "<prefix>#parley#presence#"):
//
//	base.."nodes"       sorted set: node id -> its last heartbeat (ms)
//	base.."node:"..id   set: the users with a socket on node id
//	base.."user:"..uid  hash: node id -> 1 for each node with a socket of
//	                    uid; or only "~grace" -> token while within grace.
//	                    No key: offline.
//	base.."leaving"     sorted set: uid -> end of their grace period (ms)
//
// The scripts name keys they derive from base (a dead node's users), so
// they need one Redis (or a primary with replicas), not a Redis Cluster.

// graceField marks a user within grace. Node ids never start with '~'.
const graceField = "~grace"

// luaNow also lets a script write after reading the clock on Redis < 7,
// which otherwise replicates scripts verbatim and refuses that.
const luaNow = `
if redis.replicate_commands then redis.replicate_commands() end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// connectScript records ARGV[4..] (user ids) as connected to node
// ARGV[1], unless the node's heartbeat is older than ARGV[2] ms: a node
// the others may be reaping must register anew (-1). It returns the users
// that were offline everywhere.
//
// KEYS: nodes, node:<id>, leaving. ARGV: node id, node ttl ms, base, uids...
var connectScript = goredis.NewScript(luaNow + `
local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not beat or tonumber(beat) < now_ms() - tonumber(ARGV[2]) then
  return -1
end
local came = {}
for i = 4, #ARGV do
  local uid = ARGV[i]
  local key = ARGV[3] .. 'user:' .. uid
  if redis.call('EXISTS', key) == 0 then
    came[#came + 1] = uid
  elseif redis.call('HDEL', key, '` + graceField + `') == 1 then
    redis.call('ZREM', KEYS[3], uid)
    redis.call('PERSIST', key)
  end
  redis.call('HSET', key, ARGV[1], 1)
  redis.call('SADD', KEYS[2], uid)
end
return came
`)

// disconnectScript records that ARGV[6..] have no socket left on node
// ARGV[1]. Each who then has none on any node begins a grace period of
// ARGV[2] ms, with token ARGV[4]; it returns those users.
//
// A grace period is ended by a node (expireScript, reapLeavingScript)
// long before ARGV[5] ms; the keys expire then only if no node is left to
// do it (the whole cluster stopped), so that they do not stay forever.
//
// KEYS: node:<id>, leaving. ARGV: node id, grace ms, base, token, keep ms,
// uids...
var disconnectScript = goredis.NewScript(luaNow + `
local now = now_ms()
local keep = tonumber(ARGV[5])
local leaving = {}
for i = 6, #ARGV do
  local uid = ARGV[i]
  local key = ARGV[3] .. 'user:' .. uid
  redis.call('SREM', KEYS[1], uid)
  -- Not there: reaped while this node was taken for dead, and announced.
  if redis.call('HDEL', key, ARGV[1]) == 1 and redis.call('HLEN', key) == 0 then
    redis.call('HSET', key, '` + graceField + `', ARGV[4])
    redis.call('PEXPIRE', key, keep)
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), uid)
    leaving[#leaving + 1] = uid
  end
end
if #leaving > 0 and redis.call('PTTL', KEYS[2]) < keep then
  redis.call('PEXPIRE', KEYS[2], keep)
end
return leaving
`)

// expireScript ends user ARGV[1]'s grace period if it is still the one
// token ARGV[2] began: 1 means offline now.
//
// KEYS: user:<uid>, leaving. ARGV: uid, token.
var expireScript = goredis.NewScript(`
if redis.call('HGET', KEYS[1], '` + graceField + `') ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)

// heartbeatScript renews node ARGV[1]'s heartbeat. Unless ARGV[3] is "1"
// (a new node), a node whose heartbeat is missing or older than ARGV[2] ms
// is not renewed (0): the others may be reaping it, so it registers anew.
//
// KEYS: nodes. ARGV: node id, node ttl ms, "1" to register.
var heartbeatScript = goredis.NewScript(luaNow + `
local now = now_ms()
if ARGV[3] ~= '1' then
  local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if not beat or tonumber(beat) < now - tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1
`)

// reapNodeScript takes up to ARGV[3] users off the oldest node whose
// heartbeat is older than ARGV[1] ms, and forgets the node once none is
// left. It returns {} when no node is dead, else {node, users that went
// offline...}: those with no socket on any other node. A dead node is
// taken for gone, long past any grace, so they go offline at once.
//
// KEYS: nodes. ARGV: node ttl ms, base, batch size.
var reapNodeScript = goredis.NewScript(luaNow + `
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now_ms() - tonumber(ARGV[1])), 'LIMIT', 0, 1)
if #dead == 0 then
  return {}
end
local node = dead[1]
local set = ARGV[2] .. 'node:' .. node
local out = {node}
for _, uid in ipairs(redis.call('SPOP', set, tonumber(ARGV[3]))) do
  local key = ARGV[2] .. 'user:' .. uid
  if redis.call('HDEL', key, node) == 1 and redis.call('EXISTS', key) == 0 then
    out[#out + 1] = uid
  end
end
if redis.call('SCARD', set) == 0 then
  redis.call('ZREM', KEYS[1], node)
end
return out
`)

// reapLeavingScript ends up to ARGV[3] grace periods that ended more than
// ARGV[1] ms ago and that no node ended itself (the node waiting them out
// died or closed). It returns the users that went offline.
//
// KEYS: leaving. ARGV: slack ms, base, batch size.
var reapLeavingScript = goredis.NewScript(luaNow + `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now_ms() - tonumber(ARGV[1])), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, uid in ipairs(due) do
  redis.call('ZREM', KEYS[1], uid)
  local key = ARGV[2] .. 'user:' .. uid
  if redis.call('HEXISTS', key, '` + graceField + `') == 1 then
    redis.call('DEL', key)
    out[#out + 1] = uid
  end
end
return out
`)
