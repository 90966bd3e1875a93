// Failure drills for a cluster: three parley processes on one SQLite file
// and a Redis of this file's own (a child redis-server on a free port, so
// it can be stopped and restarted; the shared one on 6379 is never
// touched). Clients behave like the web app: socket.io-client's own
// reconnection, to the next node when theirs is gone (what a load balancer
// does), unacknowledged sends retried with their clientMsgId, and `sync`
// from the last seq they hold without a gap after every reconnect.
//
// The measured figures (reconnect and catch-up times, acks during the
// Redis outage) are printed as test diagnostics; nothing asserts a speed.

import { before, after } from "node:test";
import { io } from "socket.io-client";
import { test, assert, assertAckOk } from "../lib/fixture.js";
import {
  api,
  startServer,
  makeDataDir,
  removeDir,
  register,
  createRoom,
  uniqueName,
  waitFor,
  sleep,
  cid,
} from "../lib/server.js";
import { redisServerMissing, startRedis } from "../lib/redis.js";

const missing = redisServerMissing();
if (missing && process.env.CI) throw new Error(`${missing}; .ci/run should have installed it`);
const skip = missing || false;

let redis;
let dataDir;
let env;
const nodes = []; // index = node number; a killed node is replaced in place
const members = [];

before(async () => {
  if (skip) return;
  redis = await startRedis();
  dataDir = makeDataDir();
  env = {
    PARLEY_REDIS_URL: redis.url,
    PARLEY_REDIS_PREFIX: uniqueName("e2e-drills"),
    PARLEY_PRESENCE_GRACE: "200ms",
    // The drills send faster than a person; the rate limit is not under test.
    PARLEY_SEND_RATE: "1000",
    PARLEY_SEND_BURST: "1000",
  };
  // The first node creates the schema; the others open the same file.
  for (const label of ["node-0", "node-1", "node-2"]) nodes.push(await startServer({ label, dataDir, env }));
});

after(async () => {
  for (const m of members) m.close();
  const failures = [];
  for (const n of nodes) {
    if (!n.running) continue;
    const { code, signal } = await n.stop();
    if (code !== 0) failures.push(`${n.label} exited with code ${code} signal ${signal} after SIGTERM`);
  }
  await redis?.stop("SIGTERM");
  if (dataDir) removeDir(dataDir);
  assert.deepEqual(failures, [], "every node still running should exit 0 after SIGTERM");
});

/**
 * A user's client in one room. log holds the room by seq, from live
 * events and sync answers alike; live lists every live `message` event
 * with the number of the connection it came on, so a message delivered
 * twice shows.
 */
class Member {
  constructor({ label, user, token, home, room }) {
    Object.assign(this, { label, user, token, room });
    this.at = home; // index of the node the socket is on, or was last
    this.log = new Map();
    this.live = [];
    this.connections = 0;
    this.marks = []; // [what, performance.now()]
    this.problems = []; // found in event handlers, asserted by the tests
    this.acked = [];
    this.attempted = [];
    this.retries = 0; // sends tried again after no ack came
    this.catchingUp = null;
  }

  async open({ redisDown = false } = {}) {
    const socket = io(nodes[this.at].base, {
      auth: { token: this.token },
      transports: ["websocket"],
      forceNew: true,
      // The web app's reconnection (webapp/src/socket.ts): the first
      // attempt 250-750 ms after the loss.
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 8000,
    });
    this.socket = socket;
    // Each attempt goes to the next node: a load balancer would send it to
    // any live one.
    socket.io.on("reconnect_attempt", () => {
      this.at = (this.at + 1) % nodes.length;
      socket.io.uri = nodes[this.at].base;
    });
    socket.on("message", (m) => {
      if (m.room !== this.room) return;
      this.live.push([this.connections, m]);
      this.merge(m);
    });
    socket.on("disconnect", (reason) => this.mark(`disconnect (${reason})`));
    socket.on("connect", () => {
      this.connections++;
      this.mark("connect");
      if (this.connections > 1) this.catchUp().catch((err) => this.problems.push(`catch-up after reconnect: ${err.message}`));
    });
    await waitFor(() => socket.connected, { timeoutMs: 10_000, what: `${this.label} to connect` });
    const ack = await this.call("room:join", { room: this.room });
    if (redisDown) {
      // Saved and applied on this node; the ack says the other nodes have
      // not applied it yet (they are told once Redis answers again).
      assert.deepEqual(ack.ok, false, `${this.label} joins while Redis is down: ${JSON.stringify(ack)}`);
      assert.equal(ack.error?.code, "UNAVAILABLE", `${this.label} joins while Redis is down: ${JSON.stringify(ack)}`);
    } else {
      assertAckOk(ack, `${this.label} joins`);
    }
    return this;
  }

  mark(what) {
    this.marks.push([what, performance.now()]);
  }

  /** The first mark named what after time since, or undefined. */
  markAfter(what, since) {
    return this.marks.find(([w, t]) => w === what && t >= since)?.[1];
  }

  async call(event, payload, timeoutMs = 5000) {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload);
  }

  merge(m) {
    const held = this.log.get(m.seq);
    if (held === undefined) this.log.set(m.seq, m);
    else {
      try {
        assert.deepStrictEqual(m, held);
      } catch {
        this.problems.push(`seq ${m.seq} arrived as ${JSON.stringify(m)} after ${JSON.stringify(held)}`);
      }
    }
  }

  /** The newest seq up to which the log has no hole. */
  contiguousEnd() {
    let s = 0;
    while (this.log.has(s + 1)) s++;
    return s;
  }

  /** The log as a list, oldest first. */
  messages() {
    return [...this.log.values()].sort((a, b) => a.seq - b.seq);
  }

  /** sync from contiguousEnd until nothing more, merging every page. */
  catchUp() {
    // One at a time: a reconnect during a catch-up starts another after it.
    const run = async () => {
      for (;;) {
        const ack = await this.call("sync", { cursors: { [this.room]: this.contiguousEnd() } });
        assertAckOk(ack, `${this.label} sync`);
        const page = ack.rooms[this.room];
        assert.ok(page, `${this.label}: sync answered no page for the room: ${JSON.stringify(ack)}`);
        for (const m of page.messages) this.merge(m);
        if (!page.hasMore) break;
      }
      this.mark("caught up");
    };
    this.catchingUp = (this.catchingUp ?? Promise.resolve()).catch(() => {}).then(run);
    return this.catchingUp;
  }

  /**
   * message:send until acked, retried with the same clientMsgId when no
   * ack comes (the socket was lost on the way); a refusal is a failure.
   */
  async send(text) {
    const clientMsgId = cid(this.label);
    this.attempted.push(clientMsgId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const started = performance.now();
      let ack;
      try {
        ack = await this.call("message:send", { room: this.room, text, clientMsgId }, 2000);
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${this.label}: no ack for ${clientMsgId} in 30 s (${err.message})`);
        this.retries++;
        continue;
      }
      assertAckOk(ack, `${this.label} sends ${JSON.stringify(text)}`);
      this.acked.push(ack.message);
      return { message: ack.message, ms: performance.now() - started };
    }
  }

  close() {
    this.socket?.close();
  }

  /** Messages that came live more than once on one connection. */
  liveDuplicates() {
    const seen = new Set();
    const dups = [];
    for (const [conn, m] of this.live) {
      const key = `${conn}/${m.id}`;
      if (seen.has(key)) dups.push(`seq ${m.seq} twice on connection ${conn}`);
      seen.add(key);
    }
    return dups;
  }
}

/** A room and perNode members on each node, all in the room. */
async function crew(prefix, perNode) {
  const owner = await register(nodes[0].base, uniqueName(`${prefix}own`));
  const room = await createRoom(nodes[0].base, owner.token);
  const out = [];
  for (let n = 0; n < nodes.length; n++) {
    for (let i = 0; i < perNode; i++) {
      const label = `${prefix}${n}${String.fromCharCode(97 + i)}`;
      const { user, token } = await register(nodes[n].base, uniqueName(label));
      const m = await new Member({ label, user, token, home: n, room: room.id }).open();
      members.push(m);
      out.push(m);
    }
  }
  return { room, crew: out };
}

const bySeq = (list) => [...list].sort((a, b) => a.seq - b.seq);
const range = (n) => Array.from({ length: n }, (_, i) => i + 1);
const ms = (x) => `${Math.round(x)} ms`;

/** Every message of the room, from the store, through a member's sync from 0. */
async function stored(member) {
  const out = [];
  for (;;) {
    const ack = await member.call("sync", { cursors: { [member.room]: out.length ? out.at(-1).seq : 0 } });
    assertAckOk(ack, "sync from the start");
    const page = ack.rooms[member.room];
    out.push(...page.messages);
    if (!page.hasMore) return out;
  }
}

/** Waits until every member holds every message of want (by seq). */
async function everyoneHolds(group, want, what, timeoutMs = 15_000) {
  await waitFor(() => group.every((m) => want.every((w) => m.log.has(w.seq))), { timeoutMs, what }).catch((err) => {
    const missing = group.map((m) => `${m.label} on node ${m.at}: missing seqs ${want.filter((w) => !m.log.has(w.seq)).map((w) => w.seq)}`);
    err.message += `\n${missing.join("\n")}`;
    throw err;
  });
}

/** Each member's log is exactly want (same objects, each seq once) and nothing came twice. */
function assertEveryoneHoldsExactly(group, want, what) {
  for (const m of group) {
    assert.deepStrictEqual(m.problems, [], `${what}: ${m.label} saw inconsistencies`);
    assert.deepStrictEqual(m.liveDuplicates(), [], `${what}: ${m.label} got messages twice`);
    assert.deepStrictEqual(m.messages(), want, `${what}: ${m.label}'s log differs from what was acked`);
  }
}

async function readyz(node) {
  const res = await api(node.base, "GET", "/readyz");
  return { status: res.status, body: res.body };
}

test("concurrent sends on three nodes reach every client once, numbered 1..N without gaps, as the acked objects", { skip }, async () => {
  const { crew: group } = await crew("a", 2);
  const perMember = 10;
  // Every member sends all its messages at once: three nodes append to one
  // room concurrently.
  const acks = await Promise.all(group.flatMap((m) => range(perMember).map((i) => m.send(`${m.label} #${i}`))));
  const acked = bySeq(acks.map((a) => a.message));
  assert.deepStrictEqual(
    acked.map((m) => m.seq),
    range(group.length * perMember),
    "the acked seqs are 1..N, each once",
  );
  await everyoneHolds(group, acked, "every message on every client");
  // A last message from each node: each node publishes in order, so a
  // duplicate of an earlier message would have come before it.
  const last = [];
  for (let n = 0; n < nodes.length; n++) last.push((await group[n * 2].send(`last from node ${n}`)).message);
  const all = bySeq([...acked, ...last]);
  await everyoneHolds(group, all, "the last messages on every client");
  assertEveryoneHoldsExactly(group, all, "after concurrent sends");
  for (const m of group) assert.equal(m.connections, 1, `${m.label} kept its connection`);
  assert.deepStrictEqual(await stored(group[0]), all, "the store holds exactly the acked messages");
});

test("Redis down: nodes serve their own sockets and say 503; when it returns, fan-out resumes and sync fills the gap", { skip }, async (t) => {
  const { crew: group } = await crew("r", 2);
  const onNode = (n) => group.filter((m) => m.at === n);
  const before = [];
  for (let n = 0; n < nodes.length; n++) before.push((await onNode(n)[0].send(`before the outage, node ${n}`)).message);
  await everyoneHolds(group, before, "the messages before the outage");

  await redis.stop(); // SIGKILL: an outage, not a shutdown
  const outageAt = performance.now();
  for (const node of nodes) {
    await waitFor(async () => (await readyz(node)).status === 503, { timeoutMs: 10_000, what: `${node.label} /readyz to say 503` });
    const { body } = await readyz(node);
    assert.deepStrictEqual(Object.keys(body), ["error", "requestId"], JSON.stringify(body));
    assert.deepStrictEqual(Object.keys(body.error).sort(), ["code", "message"], JSON.stringify(body));
    assert.equal(body.error.code, "UNAVAILABLE");
    assert.match(body.error.message, /redis/i, `${node.label}'s /readyz should say Redis is the trouble`);
  }

  // Every node still stores, acks and delivers to its own sockets, old
  // and new: traffic on all three at once.
  const during = [];
  const ackTimes = [];
  const localTimes = [];
  const newcomer = await register(nodes[0].base, uniqueName("rnew"));
  const fresh = await new Member({ label: "rnew", user: newcomer.user, token: newcomer.token, home: 0, room: group[0].room }).open({ redisDown: true });
  members.push(fresh);
  await Promise.all(
    range(nodes.length).map(async (_, n) => {
      const [sender, watcher] = onNode(n);
      for (let i = 1; i <= 5; i++) {
        const sent = performance.now();
        const { message, ms } = await sender.send(`during the outage, node ${n} #${i}`);
        during.push(message);
        ackTimes.push(ms);
        const local = n === 0 ? [watcher, fresh] : [watcher];
        await everyoneHolds(local, [message], `node ${n}'s own sockets to get its message ${i} while Redis is down`, 5000);
        localTimes.push(performance.now() - sent);
      }
    }),
  );
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  t.diagnostic(
    `Redis down: ${during.length} sends on 3 nodes all acked, in ${ms(median(ackTimes))} median, ${ms(Math.max(...ackTimes))} max; ` +
      `on the sockets of their own node within ${ms(median(localTimes))} median, ${ms(Math.max(...localTimes))} max (polled every 20 ms)`,
  );

  // Down long enough for the nodes to stop publishing and probe again
  // (app/redispublish.go: 1 s at a time).
  await sleep(Math.max(0, 3000 - (performance.now() - outageAt)));
  await redis.start();
  const restartAt = performance.now();
  for (const node of nodes) await waitFor(async () => (await readyz(node)).status === 200, { timeoutMs: 15_000, what: `${node.label} /readyz to say 200 again` });
  const readyMs = performance.now() - restartAt;

  // Cross-node fan-out resumes: from each node, a message that reaches
  // every client. A node may take a moment to notice Redis is back (it
  // stops publishing for a second after failures), so each sends until one
  // gets through; every send is acked and kept either way.
  const afterwards = [];
  const resumed = [];
  await Promise.all(
    range(nodes.length).map(async (_, n) => {
      const deadline = Date.now() + 15_000;
      for (let i = 1; ; i++) {
        const { message } = await onNode(n)[0].send(`after the outage, node ${n} #${i}`);
        afterwards.push(message);
        const reached = await waitFor(() => group.every((m) => m.log.has(message.seq)), { timeoutMs: 1000, what: "" }).catch(() => false);
        if (reached) {
          resumed.push(performance.now() - restartAt);
          return;
        }
        assert.ok(Date.now() < deadline, `a message from node ${n} still does not reach every node 15 s after Redis restarted`);
      }
    }),
  );
  t.diagnostic(
    `Redis back after ${ms(restartAt - outageAt)} down: every /readyz 200 within ${ms(readyMs)}; a new message from each node reached every client within ${ms(Math.max(...resumed))} of the restart`,
  );

  // The clients of other nodes missed what was sent during the outage;
  // sync from their last seq brings it, the same objects as acked.
  const all = bySeq([...before, ...during, ...afterwards]);
  const missed = group.filter((m) => m.contiguousEnd() < all.length).length;
  await Promise.all([...group, fresh].map((m) => m.catchUp()));
  assertEveryoneHoldsExactly(group, all, "after the outage and sync");
  assert.deepStrictEqual(await stored(group[0]), all, "the store holds exactly the acked messages, 1..N");
  assert.deepStrictEqual(
    all.map((m) => m.seq),
    range(all.length),
    "seqs without gaps",
  );
  t.diagnostic(`${missed} of ${group.length} clients had missed messages and caught up with sync`);
  for (const m of group) assert.equal(m.connections, 1, `${m.label} kept its connection through the outage`);
});

test("a node killed mid-traffic: its clients reconnect to another node and catch up with sync; nothing acked is lost or duplicated", { skip }, async (t) => {
  const { room, crew: group } = await crew("k", 2);
  const victim = 2;
  const victims = group.filter((m) => m.at === victim);
  // Everyone sends a message every 100 ms until told to stop.
  let stopping = false;
  const loops = group.map(async (m) => {
    for (let i = 1; !stopping; i++) {
      await m.send(`${m.label} #${i}`);
      await sleep(100);
    }
  });
  let killAt;
  try {
    await sleep(1500);
    killAt = performance.now();
    nodes[victim].proc.kill("SIGKILL");
    await nodes[victim].exited;
    await sleep(3000); // traffic goes on without node 2
  } finally {
    stopping = true;
  }
  await Promise.all(loops);

  // Each victim reconnected elsewhere and caught up after the reconnect.
  await waitFor(() => victims.every((m) => m.markAfter("caught up", killAt)), { timeoutMs: 15_000, what: "the killed node's clients to catch up" });
  for (const m of victims) {
    assert.equal(m.connections, 2, `${m.label} reconnected once`);
    assert.notEqual(m.at, victim, `${m.label} is on a live node`);
  }
  const reconnect = victims.map((m) => m.markAfter("connect", killAt) - killAt);
  const caughtUp = victims.map((m) => m.markAfter("caught up", killAt) - killAt);
  t.diagnostic(
    `node ${victim} killed: its ${victims.length} clients reconnected after ${reconnect.map(ms).join(", ")} and caught up after ${caughtUp.map(ms).join(", ")}`,
  );

  // Every message anyone tried to send is stored exactly once, as acked,
  // numbered without gaps; each client ends with all of them.
  const all = await stored(group[0]);
  assert.deepStrictEqual(
    all.map((m) => m.seq),
    range(all.length),
    "seqs without gaps",
  );
  assert.deepStrictEqual(
    all.map((m) => m.clientMsgId).sort(),
    group.flatMap((m) => m.attempted).sort(),
    "every attempted send is stored exactly once",
  );
  const byID = new Map(all.map((m) => [m.id, m]));
  for (const m of group) for (const a of m.acked) assert.deepStrictEqual(byID.get(a.id), a, `${m.label}'s acked seq ${a.seq} is stored as acked`);
  await Promise.all(group.map((m) => m.catchUp()));
  assertEveryoneHoldsExactly(group, all, "after the kill and sync");
  t.diagnostic(`${all.length} messages stored; ${group.reduce((n, m) => n + m.retries, 0)} sends were retried after their ack was lost with the node`);

  // The node comes back on the same file with everything stored.
  nodes[victim] = await startServer({ label: "node-2-again", dataDir, env });
  const again = await api(nodes[victim].base, "GET", `/api/rooms/${room.id}/messages?limit=1`, { token: group[0].token });
  assert.equal(again.status, 200, again.text);
  assert.deepStrictEqual(again.body.messages, [all.at(-1)], "the restarted node serves the newest message");
});
