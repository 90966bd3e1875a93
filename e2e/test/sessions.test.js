// Token lifetime over the official client: a logout, a logout everywhere
// and an expiring token end the sockets of the tokens concerned, with a
// `session:ended` event saying why before the server disconnects them; the
// revoked token then neither connects nor calls REST.

import { test, sharedServer, assert, assertRestError } from "../lib/fixture.js";
import { api, register, uniqueName, connect, connectError, startServer, makeDataDir, removeDir, DEFAULT_PASSWORD } from "../lib/server.js";

const srv = sharedServer({ label: "sessions" });

// The default session check (2 s) is used, so these waits are generous.
const END_TIMEOUT_MS = 20_000;

/** Resolves with what the socket heard as its session ended: the
 * session:ended payloads and the disconnect reason, in order. */
function sessionEnd(socket) {
  const heard = [];
  socket.on("session:ended", (p) => heard.push({ event: "session:ended", payload: p }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the socket was not disconnected within ${END_TIMEOUT_MS} ms (heard ${JSON.stringify(heard)})`)),
      END_TIMEOUT_MS,
    );
    socket.on("disconnect", (reason) => {
      clearTimeout(timer);
      heard.push({ event: "disconnect", reason });
      resolve(heard);
    });
  });
}

function assertEnded(heard, reason, what) {
  assert.deepEqual(
    heard,
    [
      { event: "session:ended", payload: { reason } },
      { event: "disconnect", reason: "io server disconnect" },
    ],
    what,
  );
}

async function login(base, username) {
  const res = await api(base, "POST", "/api/auth/login", { json: { username, password: DEFAULT_PASSWORD } });
  assert.equal(res.status, 200, res.text);
  return res.body.token;
}

async function assertRefused(base, token, what) {
  assertRestError(await api(base, "GET", "/api/me", { token }), 401, "UNAUTHORIZED", `${what}: GET /api/me`);
  const err = await connectError(base, { token });
  assert.equal(err.message, "unauthorized", `${what}: connect_error message`);
  assert.equal(err.data?.code, "UNAUTHORIZED", `${what}: connect_error data.code`);
}

test("logout ends that token's socket with reason revoked; the token no longer connects or calls REST", async () => {
  const username = uniqueName("logout");
  const { token } = await register(srv.base, username);
  const other = await login(srv.base, username);
  const s = await connect(srv.base, token);
  const keep = await connect(srv.base, other);
  const ended = sessionEnd(s);
  let keptEnded = false;
  keep.on("session:ended", () => (keptEnded = true));

  const res = await api(srv.base, "POST", "/api/auth/logout", { token });
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, "");
  assertEnded(await ended, "revoked", "the logged-out token's socket");
  await assertRefused(srv.base, token, "after logout");

  // The same user's other token is untouched.
  assert.equal(keptEnded, false);
  assert.ok(keep.connected, "the socket of another token of the same user was disconnected");
  const me = await api(srv.base, "GET", "/api/me", { token: other });
  assert.equal(me.status, 200, me.text);
  keep.close();
});

test("logout everywhere ends every socket of the user and leaves other users alone", async () => {
  const username = uniqueName("everywhere");
  const { token } = await register(srv.base, username);
  const second = await login(srv.base, username);
  const bob = await register(srv.base, uniqueName("bob"));
  const a = await connect(srv.base, token);
  const b = await connect(srv.base, second);
  const c = await connect(srv.base, second, { transports: ["websocket"] });
  const bobSocket = await connect(srv.base, bob.token);
  const ends = [a, b, c].map(sessionEnd);
  let bobEnded = false;
  bobSocket.on("session:ended", () => (bobEnded = true));

  const res = await api(srv.base, "POST", "/api/auth/logout/everywhere", { token });
  assert.equal(res.status, 204, res.text);
  for (const [i, ended] of ends.entries()) assertEnded(await ended, "revoked", `socket ${i + 1} of the user`);
  await assertRefused(srv.base, token, "the token that logged out everywhere");
  await assertRefused(srv.base, second, "the user's other token");

  assert.equal(bobEnded, false);
  assert.ok(bobSocket.connected, "another user's socket was disconnected");
  bobSocket.close();
});

test("logout without a valid token is 401", async () => {
  assertRestError(await api(srv.base, "POST", "/api/auth/logout"), 401, "UNAUTHORIZED", "no token");
  assertRestError(
    await api(srv.base, "POST", "/api/auth/logout/everywhere", { token: "not-a-token" }),
    401,
    "UNAUTHORIZED",
    "bad token",
  );
});

test("a socket whose token expires gets reason expired and is disconnected", async () => {
  const short = await startServer({ label: "short-ttl", env: { PARLEY_TOKEN_TTL: "3s", PARLEY_SESSION_CHECK: "500ms" } });
  try {
    const { token } = await register(short.base, uniqueName("expiring"));
    const s = await connect(short.base, token);
    assertEnded(await sessionEnd(s), "expired", "the expired token's socket");
    await assertRefused(short.base, token, "after expiry");
  } finally {
    const { code } = await short.stop();
    assert.equal(code, 0);
  }
});

test("a logout on one node ends the token's socket on another node sharing the store, without Redis", async () => {
  const dir = makeDataDir();
  const a = await startServer({ label: "node-a", dataDir: dir });
  const b = await startServer({ label: "node-b", dataDir: dir });
  try {
    const { token } = await register(a.base, uniqueName("twonodes"));
    const s = await connect(b.base, token);
    const ended = sessionEnd(s);
    const res = await api(a.base, "POST", "/api/auth/logout", { token });
    assert.equal(res.status, 204, res.text);
    assertEnded(await ended, "revoked", "the socket on the other node");
    await assertRefused(b.base, token, "on the other node");
  } finally {
    for (const n of [b, a]) assert.equal((await n.stop()).code, 0);
    removeDir(dir);
  }
});
