// Durability across a restart on the same data directory: graceful SIGTERM
// (exit 0), history kept, seq continues, tokens and read cursors survive.

import { after } from "node:test";
import { test, assert, assertAckOk, send, history } from "../lib/fixture.js";
import {
  api,
  startServer,
  makeDataDir,
  removeDir,
  register,
  uniqueName,
  connect,
  call,
  collect,
  closeAllClients,
  waitFor,
  cid,
  DEFAULT_PASSWORD,
} from "../lib/server.js";

const dirs = [];
const servers = [];
after(async () => {
  closeAllClients();
  for (const s of servers) if (s.running) await s.stop().catch(() => {});
  for (const d of dirs) removeDir(d);
});

async function start(dataDir, env) {
  const s = await startServer({ dataDir, env, label: `restart#${servers.length + 1}` });
  servers.push(s);
  return s;
}

async function stopGracefully(server) {
  const { code, signal } = await server.stop();
  assert.equal(code, 0, `SIGTERM should end parley with exit code 0, got code ${code} signal ${signal}`);
}

test("messages, seq, tokens and read cursors survive a restart on the same data dir", async () => {
  const dir = makeDataDir();
  dirs.push(dir);
  let s = await start(dir);
  const A = await register(s.base, uniqueName("rsa"));
  const B = await register(s.base, uniqueName("rsb"));
  const a = await connect(s.base, A.token);
  const b = await connect(s.base, B.token);
  const sent = [];
  for (let i = 1; i <= 3; i++) sent.push(await send(a, "general", `persisted ${i}`));
  assert.deepEqual(
    sent.map((m) => m.seq),
    [1, 2, 3],
    "a fresh server's general room numbers messages from 1",
  );
  assertAckOk(await call(b, "read", { room: "general", seq: 2 }), "B reads up to seq 2");

  // stop with clients still connected: they are disconnected and the process exits 0
  const aDisconnects = collect(a, "disconnect");
  await stopGracefully(s);
  await waitFor(() => aDisconnects.length > 0 || !a.connected, { what: "A to see the server go away" });
  a.close();
  b.close();

  s = await start(dir);
  const me = await api(s.base, "GET", "/api/me", { token: A.token });
  assert.equal(me.status, 200, `the old token still works after a restart: ${me.text}`);
  assert.equal(me.body.user.id, A.user.id);
  const login = await api(s.base, "POST", "/api/auth/login", {
    json: { username: B.user.username, password: DEFAULT_PASSWORD },
  });
  assert.equal(login.status, 200, `login after restart: ${login.text}`);

  const a2 = await connect(s.base, A.token);
  const h = await history(a2, "general");
  assert.deepEqual(
    h.messages.map((m) => [m.id, m.seq, m.text, m.sender.id, m.createdAt]),
    sent.map((m) => [m.id, m.seq, m.text, m.sender.id, m.createdAt]),
    "history after the restart is exactly the three messages",
  );
  assert.equal(h.hasMore, false);

  const rooms = await api(s.base, "GET", "/api/rooms", { token: B.token });
  const general = rooms.body.rooms.find((r) => r.id === "general");
  assert.equal(general.lastSeq, 3);
  assert.equal(general.unread, 1, "B's read cursor (seq 2) survived the restart");

  const fourth = await send(a2, "general", "after the restart");
  assert.equal(fourth.seq, 4, "seq continues after a restart");

  // a client retrying its last message after the restart gets the original back
  const retry = await call(a2, "message:send", { room: "general", text: "persisted 3", clientMsgId: sent[2].clientMsgId });
  assertAckOk(retry, "retry after restart");
  assert.equal(retry.message.id, sent[2].id);
  assert.equal(retry.message.seq, 3);
  const h2 = await history(a2, "general");
  assert.deepEqual(h2.messages.map((m) => m.seq), [1, 2, 3, 4], "the retry stored nothing new");
  a2.close();
  await stopGracefully(s);
});

test("without PARLEY_JWT_SECRET a secret is generated into the data dir and reused", async () => {
  const dir = makeDataDir();
  dirs.push(dir);
  let s = await start(dir, { PARLEY_JWT_SECRET: undefined });
  const A = await register(s.base, uniqueName("gen"));
  await stopGracefully(s);

  s = await start(dir, { PARLEY_JWT_SECRET: undefined });
  const me = await api(s.base, "GET", "/api/me", { token: A.token });
  assert.equal(me.status, 200, `token from before the restart: ${me.text}`);
  const sock = await connect(s.base, A.token);
  const id = cid();
  await send(sock, "general", "still me", id);
  sock.close();
  await stopGracefully(s);

  // a different data dir means a different secret: the token is refused there
  const other = makeDataDir();
  dirs.push(other);
  s = await start(other, { PARLEY_JWT_SECRET: undefined });
  const foreign = await api(s.base, "GET", "/api/me", { token: A.token });
  assert.equal(foreign.status, 401, `a token from another deployment must be refused: ${foreign.text}`);
  await stopGracefully(s);
});
