// Two nodes, one cluster: two parley processes on one SQLite file and one
// Redis, an observer on each. Every server->client event is caused once, on
// one node or the other, and the two observers must receive exactly the
// same objects (keys and values, compared strictly), which must also be the
// shapes the protocol describes. A payload that crosses nodes goes through
// the Redis adapter's serializer; one that stays does not.

import { before, after } from "node:test";
import net from "node:net";
import { test, assert, assertAckOk, send } from "../lib/fixture.js";
import {
  startServer,
  makeDataDir,
  removeDir,
  closeAllClients,
  register,
  createRoom,
  uniqueName,
  connect,
  call,
  waitFor,
  collect,
  sleep,
} from "../lib/server.js";
import { startModel } from "../lib/model.js";

const REDIS_HOST = "127.0.0.1";
const REDIS_PORT = 6379;

function redisAnswers() {
  return new Promise((resolve) => {
    const s = net.connect({ host: REDIS_HOST, port: REDIS_PORT });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on("connect", () => done(true));
    s.on("error", () => done(false));
  });
}

// CI starts a Redis (.ci/run); elsewhere the test says why it cannot run.
const haveRedis = await redisAnswers();
if (!haveRedis && process.env.CI) {
  throw new Error(`no Redis at ${REDIS_HOST}:${REDIS_PORT}; .ci/run should have started one`);
}
const skip = haveRedis ? false : `no Redis at ${REDIS_HOST}:${REDIS_PORT} (start one: redis-server --daemonize yes)`;

const GRACE_MS = 200;
const NODE_TTL_MS = 4000;

let model;
let dataDir;
let clusterEnv;
const nodes = [];

before(async () => {
  if (!haveRedis) return;
  model = await startModel({ chunks: ["Both ", "nodes ", "see ", "this."], gapMs: 60 });
  dataDir = makeDataDir();
  const env = {
    PARLEY_REDIS_URL: `redis://${REDIS_HOST}:${REDIS_PORT}/0`,
    PARLEY_REDIS_PREFIX: uniqueName("e2e-cluster"), // other runs on this Redis must not hear us
    PARLEY_LLM_BASE_URL: model.baseURL,
    PARLEY_LLM_MODEL: "e2e-model",
    PARLEY_PRESENCE_GRACE: "200ms",
    // A node killed without a goodbye counts no more after this (every
    // node of a cluster needs the same value).
    PARLEY_PRESENCE_NODE_TTL: `${NODE_TTL_MS}ms`,
  };
  clusterEnv = env;
  // The first node creates the schema; the second opens the same file.
  nodes.push(await startServer({ label: "node-a", dataDir, env }));
  nodes.push(await startServer({ label: "node-b", dataDir, env }));
});

after(async () => {
  closeAllClients();
  for (const n of nodes) {
    const { code } = await n.stop();
    assert.equal(code, 0, `${n.label} should exit 0 after SIGTERM`);
  }
  await model?.close();
  if (dataDir) removeDir(dataDir);
});

/** A registered user with a socket on node. */
async function userOn(node, prefix) {
  const { token, user } = await register(node.base, uniqueName(prefix));
  const socket = await connect(node.base, token);
  // An answered event means the connection handler has run: the socket
  // is in its rooms.
  assertAckOk(await call(socket, "history", { room: "general", limit: 1 }));
  return { token, user, socket };
}

/** Every event a socket receives, in order, as [name, ...args]. */
function record(socket) {
  const log = [];
  socket.onAny((name, ...args) => log.push([name, ...args]));
  return log;
}

test("every server->client event arrives in the same shape on the sender's node and on the other", { skip }, async () => {
  const [a, b] = nodes;
  const alice = await userOn(a, "alice"); // acts on node A
  const bob = await userOn(b, "bob"); // acts on node B
  const watchA = await userOn(a, "watcha");
  const watchB = await userOn(b, "watchb");
  const room = await createRoom(a.base, alice.token);
  for (const u of [bob, watchA, watchB]) assertAckOk(await call(u.socket, "room:join", { room: room.id }));

  const logA = record(watchA.socket);
  const logB = record(watchB.socket);
  // The setup's own events (joins, presence) may still be on their way
  // through Redis. Each node's broadcasts arrive in the order it sent them,
  // so a message from each node marks the point past which both logs hold
  // nothing of the setup.
  const barriers = [await send(alice.socket, room.id, "barrier A"), await send(bob.socket, room.id, "barrier B")];
  for (const log of [logA, logB]) {
    const at = () => barriers.map((m) => log.findIndex(([n, p]) => n === "message" && p.id === m.id));
    await waitFor(() => at().every((i) => i >= 0), { what: "both barriers" });
    log.splice(0, Math.max(...at()) + 1);
  }
  const asUser = (u) => ({ id: u.id, username: u.username, displayName: u.displayName, kind: u.kind });

  // step waits until both observers hold an event matching done, then
  // checks they received the same events since the previous step.
  let from = 0;
  async function step(what, done) {
    const has = (log) => log.slice(from).some(([name, payload]) => done(name, payload));
    await waitFor(() => has(logA) && has(logB), { timeoutMs: 10_000, what: `${what} on both nodes` }).catch((err) => {
      err.message += `\nnode A observer got ${JSON.stringify(logA.slice(from))}\nnode B observer got ${JSON.stringify(logB.slice(from))}`;
      throw err;
    });
    // Anything else caused by this step (a bot's typing, say) arrives
    // within a moment on both: wait for the two logs to stay level.
    let settled = 0;
    await waitFor(
      () => {
        settled = logA.length === logB.length ? settled + 1 : 0;
        return settled >= 8;
      },
      { timeoutMs: 5000, intervalMs: 25, what: `${what}: both observers to settle` },
    ).catch(() => {}); // a difference left is reported below, in full
    const n = Math.max(logA.length, logB.length);
    assert.deepStrictEqual(
      logB.slice(from, n),
      logA.slice(from, n),
      `${what}: node B's observer (left) and node A's (right) received different events`,
    );
    const events = logA.slice(from, n);
    from = n;
    return events;
  }
  const only = (events, name) => events.filter(([n]) => n === name).map(([, p]) => p);

  // message, sent on A and on B: the event is the stored message, as acked.
  for (const [sender, text] of [[alice, "hello from node A"], [bob, "hello from node B, @" + alice.user.username]]) {
    const m = await send(sender.socket, room.id, text);
    const got = only(await step(`a message from ${sender.user.username}`, (n, p) => n === "message" && p.id === m.id), "message");
    assert.deepStrictEqual(got, [m]);
    assert.deepStrictEqual(m.sender, asUser(sender.user));
  }

  // typing, from each node.
  for (const u of [alice, bob]) {
    assertAckOk(await call(u.socket, "typing", { room: room.id, typing: true }));
    const got = only(await step(`${u.user.username} typing`, (n, p) => n === "typing" && p.user.id === u.user.id), "typing");
    assert.deepStrictEqual(got, [{ room: room.id, user: asUser(u.user), typing: true }]);
  }

  // message:deleted, from B.
  const doomed = await send(bob.socket, room.id, "to be deleted");
  await step("the doomed message", (n, p) => n === "message" && p.id === doomed.id);
  assertAckOk(await call(bob.socket, "message:delete", { room: room.id, id: doomed.id }));
  const deleted = only(await step("a delete", (n) => n === "message:deleted"), "message:deleted");
  assert.deepStrictEqual(deleted, [{ room: room.id, id: doomed.id, seq: doomed.seq }]);

  // presence, joins, a leave and a kick, for a user on node B. Presence
  // goes to every room the user shares with others: with carol in two
  // rooms, one event is addressed to both, and each observer (in both)
  // must get it once.
  const carol = await register(b.base, uniqueName("carol"));
  let carolSocket;
  const member = async (action, act) => {
    assertAckOk(await act());
    const got = only(await step(`carol ${action}`, (n, p) => n === "room:member" && p.action === action), "room:member");
    assert.deepStrictEqual(got, [{ room: room.id, user: asUser(carol.user), action }]);
  };
  const presence = async (online, act) => {
    await act();
    const got = only(await step(`carol ${online ? "online" : "offline"}`, (n, p) => n === "presence" && p.online === online), "presence");
    assert.deepStrictEqual(got, [{ user: asUser(carol.user), online }]);
  };
  await presence(true, async () => (carolSocket = await connect(b.base, carol.token))); // in general only
  await member("joined", () => call(carolSocket, "room:join", { room: room.id }));
  await presence(false, () => carolSocket.close()); // in general and the room
  await presence(true, async () => (carolSocket = await connect(b.base, carol.token)));
  await member("left", () => call(carolSocket, "room:leave", { room: room.id }));
  await member("joined", () => call(carolSocket, "room:join", { room: room.id }));
  // The kick goes to the room and to carol's own sockets.
  await member("kicked", () => call(alice.socket, "room:kick", { room: room.id, user: carol.user.username }));
  await presence(false, () => carolSocket.close());

  // message:stream and the bot's final message, for a mention accepted on B.
  const question = await send(bob.socket, room.id, "@assistant say something to both nodes");
  const events = await step("the assistant's reply", (n, p) => n === "message" && p.sender.kind === "bot" && p.streamId);
  const deltas = only(events, "message:stream");
  assert.ok(deltas.length > 0, `no message:stream event: ${JSON.stringify(events)}`);
  const reply = only(events, "message").find((m) => m.sender.kind === "bot");
  for (const d of deltas) {
    assert.deepStrictEqual(Object.keys(d).sort(), ["delta", "done", "room", "streamId"]);
    assert.equal(d.room, room.id);
    assert.equal(d.streamId, reply.streamId);
  }
  assert.equal(`@${bob.user.username} ` + deltas.map((d) => d.delta).join(""), reply.text);
  assert.ok(deltas.at(-1).done && deltas.slice(0, -1).every((d) => !d.done), "only the last delta is done");
  assert.deepStrictEqual(reply.mentions, [bob.user.username]);
  assert.equal(reply.text, `@${bob.user.username} Both nodes see this.`);
  assert.ok(only(events, "message").some((m) => m.id === question.id), "the question itself reached both observers");
});

/** The member list of room as the node of socket serves it: username -> online. */
async function onlineFlags(socket, room) {
  const ack = await call(socket, "room:join", { room });
  assertAckOk(ack);
  return Object.fromEntries(ack.members.map((m) => [m.username, m.online]));
}

const asWireUser = (u) => ({ id: u.id, username: u.username, displayName: u.displayName, kind: u.kind });

test("presence is the cluster's: a user on both nodes is announced online once and offline once, and is online in either node's member list", { skip }, async () => {
  const [a, b] = nodes;
  const watchA = await userOn(a, "pwatcha");
  const watchB = await userOn(b, "pwatchb");
  const dave = await register(b.base, uniqueName("dave"));
  const about = (p) => p.user?.id === dave.user.id;
  const seenA = collect(watchA.socket, "presence", about);
  const seenB = collect(watchB.socket, "presence", about);
  const online = { user: asWireUser(dave.user), online: true };
  const offline = { user: asWireUser(dave.user), online: false };

  assert.equal((await onlineFlags(watchA.socket, "general"))[dave.user.username], false, "dave is not connected yet");
  const phone = await connect(b.base, dave.token); // node B only
  await waitFor(() => seenA.length >= 1 && seenB.length >= 1, { what: "dave online on both observers" });
  assert.equal((await onlineFlags(watchA.socket, "general"))[dave.user.username], true, "node A's member list: dave is connected to node B");

  const laptop = await connect(a.base, dave.token); // and node A
  assertAckOk(await call(laptop, "history", { room: "general", limit: 1 }));
  phone.close();
  await sleep(GRACE_MS * 5);
  assert.deepStrictEqual(seenA, [online], "node A's observer: dave is still on his laptop");
  assert.deepStrictEqual(seenB, [online], "node B's observer: dave is still on his laptop");
  assert.equal((await onlineFlags(watchB.socket, "general"))[dave.user.username], true, "node B's member list: dave's laptop is on node A");

  laptop.close();
  await waitFor(() => seenA.length >= 2 && seenB.length >= 2, { what: "dave offline on both observers" });
  await sleep(GRACE_MS * 5); // a second announcement would arrive meanwhile
  assert.deepStrictEqual(seenA, [online, offline], "node A's observer");
  assert.deepStrictEqual(seenB, [online, offline], "node B's observer");
  assert.equal((await onlineFlags(watchA.socket, "general"))[dave.user.username], false);
});

test("a node killed without a goodbye: within the node TTL its users go offline, announced once, unless connected elsewhere", { skip, timeout: 120_000 }, async (t) => {
  const [a, b] = nodes;
  const c = await startServer({ label: "node-c", dataDir, env: clusterEnv });
  try {
    const watchA = await userOn(a, "kwatcha");
    const watchB = await userOn(b, "kwatchb");
    const erin = await userOn(c, "erin"); // on node C only
    const frank = await userOn(c, "frank"); // on node C and node A
    await connect(a.base, frank.token);
    const events = (w) => collect(w.socket, "presence", (p) => [erin.user.id, frank.user.id].includes(p.user?.id));
    const seenA = events(watchA);
    const seenB = events(watchB);
    // Both are online as every node sees it before C dies.
    const before = await onlineFlags(watchB.socket, "general");
    assert.deepStrictEqual([before[erin.user.username], before[frank.user.username]], [true, true]);

    const killedAt = performance.now();
    c.proc.kill("SIGKILL");
    await waitFor(() => seenA.length >= 1 && seenB.length >= 1, { timeoutMs: NODE_TTL_MS * 5, intervalMs: 10, what: "erin offline after node C died" });
    const tookMs = performance.now() - killedAt;
    t.diagnostic(`node TTL ${NODE_TTL_MS} ms: erin announced offline ${tookMs.toFixed(0)} ms after SIGKILL`);
    await sleep(NODE_TTL_MS / 2); // several reaping rounds on both survivors
    const offline = { user: asWireUser(erin.user), online: false };
    assert.deepStrictEqual(seenA, [offline], "node A's observer: erin offline once, frank (also on node A) unchanged");
    assert.deepStrictEqual(seenB, [offline], "node B's observer: erin offline once, frank (also on node A) unchanged");
    const after = await onlineFlags(watchB.socket, "general");
    assert.deepStrictEqual([after[erin.user.username], after[frank.user.username]], [false, true]);
  } finally {
    if (c.running) c.proc.kill("SIGKILL");
    await c.exited;
  }
});
