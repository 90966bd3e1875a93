// Changing one's password over REST: the other sessions of the account end
// (their sockets hear `session:ended {reason: "revoked"}`, their tokens are
// refused), the session that made the change carries on, and only the new
// password logs in.

import { test, sharedServer, assert, assertRestError } from "../lib/fixture.js";
import { api, register, uniqueName, connect, connectError, DEFAULT_PASSWORD } from "../lib/server.js";

const srv = sharedServer({ label: "password" });

// The default session check (2 s); the caller's node ends its sockets at once.
const END_TIMEOUT_MS = 20_000;
const NEW_PASSWORD = "battery-staple-7";

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

async function login(base, username, password = DEFAULT_PASSWORD) {
  return api(base, "POST", "/api/auth/login", { json: { username, password } });
}

test("a password change ends the other sessions and keeps the caller's", async () => {
  const username = uniqueName("pwchange");
  const { token: mine } = await register(srv.base, username);
  const res0 = await login(srv.base, username);
  assert.equal(res0.status, 200, res0.text);
  const other = res0.body.token;
  const bob = await register(srv.base, uniqueName("bystander"));

  const mySocket = await connect(srv.base, mine);
  const otherSocket = await connect(srv.base, other);
  const bobSocket = await connect(srv.base, bob.token);
  const ended = sessionEnd(otherSocket);
  let mineEnded = false;
  mySocket.on("session:ended", () => (mineEnded = true));
  mySocket.on("disconnect", () => (mineEnded = true));
  let bobEnded = false;
  bobSocket.on("session:ended", () => (bobEnded = true));

  const res = await api(srv.base, "POST", "/api/me/password", {
    token: mine,
    json: { current: DEFAULT_PASSWORD, password: NEW_PASSWORD },
  });
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, "");

  assert.deepEqual(
    await ended,
    [
      { event: "session:ended", payload: { reason: "revoked" } },
      { event: "disconnect", reason: "io server disconnect" },
    ],
    "the other session's socket",
  );
  assertRestError(await api(srv.base, "GET", "/api/me", { token: other }), 401, "UNAUTHORIZED", "the other token on REST");
  const err = await connectError(srv.base, { token: other });
  assert.equal(err.data?.code, "UNAUTHORIZED", "the other token connecting");

  // The caller's token and socket carry on.
  assert.equal(mineEnded, false, "the caller's socket was ended");
  assert.ok(mySocket.connected);
  const me = await api(srv.base, "GET", "/api/me", { token: mine });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.username, username);
  const again = await connect(srv.base, mine);
  assert.ok(again.connected);
  again.close();
  assert.equal(bobEnded, false, "another user's socket was ended");

  assertRestError(await login(srv.base, username), 401, "UNAUTHORIZED", "login with the old password");
  const fresh = await login(srv.base, username, NEW_PASSWORD);
  assert.equal(fresh.status, 200, fresh.text);
  const meFresh = await api(srv.base, "GET", "/api/me", { token: fresh.body.token });
  assert.equal(meFresh.status, 200, meFresh.text);
  const freshSocket = await connect(srv.base, fresh.body.token);
  assert.ok(freshSocket.connected);
  for (const s of [freshSocket, mySocket, bobSocket]) s.close();
});

test("a wrong current password is 401 and a weak new one 400; nothing changes", async () => {
  const username = uniqueName("pwrefused");
  const { token } = await register(srv.base, username);
  const other = (await login(srv.base, username)).body.token;

  const wrong = await api(srv.base, "POST", "/api/me/password", {
    token,
    json: { current: "not-my-password", password: NEW_PASSWORD },
  });
  assertRestError(wrong, 401, "UNAUTHORIZED", "wrong current password");
  assert.deepEqual(wrong.body, {
    error: { code: "UNAUTHORIZED", message: "the current password is wrong" },
    requestId: wrong.headers.get("x-request-id"),
  });
  assertRestError(
    await api(srv.base, "POST", "/api/me/password", { token, json: { current: DEFAULT_PASSWORD, password: "short" } }),
    400,
    "BAD_REQUEST",
    "weak new password",
  );
  assertRestError(
    await api(srv.base, "POST", "/api/me/password", { json: { current: DEFAULT_PASSWORD, password: NEW_PASSWORD } }),
    401,
    "UNAUTHORIZED",
    "no token",
  );
  for (const t of [token, other]) {
    const me = await api(srv.base, "GET", "/api/me", { token: t });
    assert.equal(me.status, 200, me.text);
  }
  assert.equal((await login(srv.base, username)).status, 200, "the old password still logs in");
});
