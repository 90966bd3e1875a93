// Accounts over REST (register, login, me), REST error shapes, and the
// Socket.IO handshake refusing bad or missing tokens.

import { createHmac } from "node:crypto";
import { test, sharedServer, assert, assertUser, assertRestError } from "../lib/fixture.js";
import {
  api,
  register,
  uniqueName,
  connect,
  connectError,
  call,
  JWT_SECRET,
  DEFAULT_PASSWORD,
} from "../lib/server.js";

const srv = sharedServer({ label: "auth" });

// ---------------------------------------------------------------- REST accounts

test("register returns 201 {token, user}; login and /api/me return the same user", async () => {
  const username = uniqueName("alice");
  const reg = await api(srv.base, "POST", "/api/auth/register", {
    json: { username, password: DEFAULT_PASSWORD, displayName: "Alice Example" },
  });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(typeof reg.body.token, "string");
  assert.ok(reg.body.token.length > 0);
  assertUser(reg.body.user, { username, displayName: "Alice Example", kind: "human" });

  const login = await api(srv.base, "POST", "/api/auth/login", { json: { username, password: DEFAULT_PASSWORD } });
  assert.equal(login.status, 200, login.text);
  assert.equal(typeof login.body.token, "string");
  assertUser(login.body.user, { id: reg.body.user.id, username });

  for (const token of [reg.body.token, login.body.token]) {
    const me = await api(srv.base, "GET", "/api/me", { token });
    assert.equal(me.status, 200, me.text);
    assertUser(me.body.user, { id: reg.body.user.id, username, displayName: "Alice Example" });
  }

  // the login token also opens a socket as that user
  const s = await connect(srv.base, login.body.token);
  try {
    assert.ok(s.connected);
  } finally {
    s.close();
  }
});

test("register without displayName still gives a string displayName; new user is in general", async () => {
  const username = uniqueName("nodisp");
  const { token, user } = await register(srv.base, username);
  assertUser(user, { username, kind: "human" });
  const rooms = await api(srv.base, "GET", "/api/rooms", { token });
  assert.equal(rooms.status, 200, rooms.text);
  assert.ok(Array.isArray(rooms.body.rooms), rooms.text);
  const general = rooms.body.rooms.find((r) => r.id === "general");
  assert.ok(general, `a new user should be a member of "general": ${rooms.text}`);
  assert.equal(general.name, "general");
});

test("duplicate username is 409 CONFLICT, case-insensitively", async () => {
  const username = uniqueName("dup");
  await register(srv.base, username);
  const same = await api(srv.base, "POST", "/api/auth/register", {
    json: { username, password: DEFAULT_PASSWORD },
  });
  assertRestError(same, 409, "CONFLICT", "same username");
  const upper = await api(srv.base, "POST", "/api/auth/register", {
    json: { username: username.toUpperCase(), password: DEFAULT_PASSWORD },
  });
  assertRestError(upper, 409, "CONFLICT", "same username in upper case");
});

test("wrong password and unknown user are 401 UNAUTHORIZED", async () => {
  const username = uniqueName("bob");
  await register(srv.base, username);
  const wrong = await api(srv.base, "POST", "/api/auth/login", {
    json: { username, password: "not-the-password" },
  });
  assertRestError(wrong, 401, "UNAUTHORIZED", "wrong password");
  assert.equal(wrong.body.token, undefined, "no token on a failed login");
  const unknown = await api(srv.base, "POST", "/api/auth/login", {
    json: { username: uniqueName("ghost"), password: DEFAULT_PASSWORD },
  });
  assertRestError(unknown, 401, "UNAUTHORIZED", "unknown user");
});

test("bad usernames and short passwords are 400 BAD_REQUEST and create nothing", async () => {
  const bad = [
    "ab", // too short
    "a".repeat(33), // too long
    "has space",
    "semi;colon",
    "slash/name",
    "emoji\u{1F600}x",
    "",
  ];
  for (const username of bad) {
    const res = await api(srv.base, "POST", "/api/auth/register", {
      json: { username, password: DEFAULT_PASSWORD },
    });
    assertRestError(res, 400, "BAD_REQUEST", `username ${JSON.stringify(username)}`);
    if (username) {
      const login = await api(srv.base, "POST", "/api/auth/login", {
        json: { username, password: DEFAULT_PASSWORD },
      });
      assert.equal(login.status, 401, `rejected username ${JSON.stringify(username)} must not exist: ${login.text}`);
    }
  }
  const missing = await api(srv.base, "POST", "/api/auth/register", { json: { password: DEFAULT_PASSWORD } });
  assertRestError(missing, 400, "BAD_REQUEST", "missing username");

  // boundaries that are valid: 3 and 32 characters of the allowed alphabet
  const suffix = uniqueName("x").slice(-8);
  for (const username of [`a${suffix.slice(0, 2)}`, `z.-_${suffix}`.padEnd(32, "9")]) {
    const res = await api(srv.base, "POST", "/api/auth/register", {
      json: { username, password: DEFAULT_PASSWORD },
    });
    // a 3-char name can collide across runs only within this server, which is fresh
    assert.equal(res.status, 201, `valid username ${JSON.stringify(username)}: ${res.text}`);
  }

  const shortPw = await api(srv.base, "POST", "/api/auth/register", {
    json: { username: uniqueName("pw"), password: "1234567" },
  });
  assertRestError(shortPw, 400, "BAD_REQUEST", "7-char password");
});

test("malformed JSON is 400 BAD_REQUEST in the error shape", async () => {
  const reg = await api(srv.base, "POST", "/api/auth/register", {
    body: '{"username": "abc", "password": ',
    headers: { "content-type": "application/json" },
  });
  assertRestError(reg, 400, "BAD_REQUEST", "register with truncated JSON");

  const { token } = await register(srv.base, uniqueName("mal"));
  const room = await api(srv.base, "POST", "/api/rooms", {
    token,
    body: "{name: not json}",
    headers: { "content-type": "application/json" },
  });
  assertRestError(room, 400, "BAD_REQUEST", "create room with malformed JSON");
});

test("a body over 64 KiB is 413 TOO_LARGE in the error shape", async () => {
  const res = await api(srv.base, "POST", "/api/auth/register", {
    json: { username: uniqueName("big"), password: DEFAULT_PASSWORD, displayName: "x".repeat(70 * 1024) },
  });
  assertRestError(res, 413, "TOO_LARGE", "70 KiB register body");
  // the server still answers afterwards
  const health = await api(srv.base, "GET", "/healthz");
  assert.equal(health.status, 200);
});

test("/api/me without a valid token is 401; /healthz and /readyz are 200", async () => {
  assertRestError(await api(srv.base, "GET", "/api/me"), 401, "UNAUTHORIZED", "no token");
  assertRestError(await api(srv.base, "GET", "/api/me", { token: "not-a-jwt" }), 401, "UNAUTHORIZED", "garbage token");
  assertRestError(await api(srv.base, "GET", "/api/rooms"), 401, "UNAUTHORIZED", "rooms without token");
  assert.equal((await api(srv.base, "GET", "/healthz")).status, 200);
  assert.equal((await api(srv.base, "GET", "/readyz")).status, 200);
});

// ---------------------------------------------------------------- handshake

function b64url(s) {
  return Buffer.from(s).toString("base64url");
}

/** Re-sign the claims of `token` (with `change` applied) using `secret`. */
function forge(token, change, secret) {
  const [h, p] = token.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const claims = { ...JSON.parse(Buffer.from(p, "base64url").toString()), ...change };
  const alg = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[header.alg];
  assert.ok(alg, `the server's tokens use ${header.alg}; this test forges HMAC tokens only`);
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createHmac(alg, secret).update(body).digest("base64url");
  return `${body}.${sig}`;
}

function assertUnauthorized(err, what) {
  assert.equal(err.message, "unauthorized", `${what}: connect_error message`);
  assert.ok(err.data && typeof err.data === "object", `${what}: connect_error data ${JSON.stringify(err.data)}`);
  assert.equal(err.data.code, "UNAUTHORIZED", `${what}: connect_error data.code`);
}

test("handshake: bad, missing, forged or expired token -> connect_error unauthorized/UNAUTHORIZED", async () => {
  const { token, user } = await register(srv.base, uniqueName("hand"));

  // the genuine token re-signed by this test with the server's secret is accepted,
  // which proves the forged variants below differ only in what they claim
  const resigned = forge(token, {}, JWT_SECRET);
  const ok = await connect(srv.base, resigned).catch((err) => {
    throw new Error(
      `a token re-signed with PARLEY_JWT_SECRET (HMAC key) was refused (${err.message}); ` +
        "the server should sign tokens with that secret",
    );
  });
  ok.close();

  const cases = [
    ["garbage token", { token: "garbage" }],
    ["empty token", { token: "" }],
    ["no token", {}],
    ["token of the wrong type", { token: 12345 }],
    ["token signed with another secret", { token: forge(token, {}, "some-other-secret-value-1234567890") }],
    ["expired token", { token: forge(token, { exp: Math.floor(Date.now() / 1000) - 3600 }, JWT_SECRET) }],
    [
      "alg none token",
      {
        token: `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${token.split(".")[1]}.`,
      },
    ],
    ["tampered signature", { token: token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA") }],
  ];
  for (const [what, auth] of cases) {
    assertUnauthorized(await connectError(srv.base, auth), what);
  }
  // no auth object at all
  assertUnauthorized(await connectError(srv.base, undefined, { auth: undefined }), "no auth object");

  // REST refuses the same forged tokens
  const expired = forge(token, { exp: Math.floor(Date.now() / 1000) - 3600 }, JWT_SECRET);
  assertRestError(await api(srv.base, "GET", "/api/me", { token: expired }), 401, "UNAUTHORIZED", "expired token");
  const otherSecret = forge(token, {}, "some-other-secret-value-1234567890");
  assertRestError(await api(srv.base, "GET", "/api/me", { token: otherSecret }), 401, "UNAUTHORIZED", "foreign token");

  // a rejected handshake does not affect a good one
  const s = await connect(srv.base, token);
  const ack = await call(s, "history", { room: "general", limit: 1 });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  s.close();
  assert.ok(user.id);
});
