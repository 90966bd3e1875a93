// Per-user send rate limit: PARLEY_SEND_RATE=1/s with a burst of 3; then
// the limits on every other event, on logins, registrations, service
// tokens, room creation and connections.

import { io } from "socket.io-client";
import { test, sharedServer, assert, assertAckOk, assertAckError, assertRestError, send, history } from "../lib/fixture.js";
import {
  register,
  uniqueName,
  connect,
  connectError,
  call,
  collect,
  sleep,
  cid,
  api,
  waitFor,
  DEFAULT_PASSWORD,
} from "../lib/server.js";

const srv = sharedServer({ label: "ratelimit", env: { PARLEY_SEND_RATE: "1", PARLEY_SEND_BURST: "3" } });

test("the 4th rapid send is RATE_LIMITED, nothing beyond the burst is stored, and sending recovers", async () => {
  const A = await register(srv.base, uniqueName("rla"));
  const B = await register(srv.base, uniqueName("rlb"));
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const disconnects = collect(a, "disconnect");
  const atB = collect(b, "message", (m) => m.sender?.id === A.user.id);

  const ids = Array.from({ length: 6 }, () => cid("rl"));
  const acks = [];
  for (const id of ids) {
    acks.push(await call(a, "message:send", { room: "general", text: `rapid ${id}`, clientMsgId: id }));
  }
  for (let i = 0; i < 3; i++) assertAckOk(acks[i], `send #${i + 1} (within the burst)`);
  for (let i = 3; i < 6; i++) assertAckError(acks[i], "RATE_LIMITED", `send #${i + 1}`);

  const h = await history(b, "general", { limit: 20 });
  const mine = h.messages.filter((m) => m.sender.id === A.user.id);
  assert.deepEqual(
    mine.map((m) => m.clientMsgId),
    ids.slice(0, 3),
    "only the 3 sends within the burst are stored",
  );
  await sleep(300);
  assert.deepEqual(
    atB.map((m) => m.clientMsgId),
    ids.slice(0, 3),
    "B received only the 3 accepted messages",
  );

  // another user is not limited by A's burst
  await send(b, "general", "B is unaffected");

  // after a token refills (1/s) A can send again on the same socket
  await sleep(1200);
  const later = await send(a, "general", "after waiting");
  assert.equal(later.sender.id, A.user.id);
  assert.equal(disconnects.length, 0, "rate limiting refuses messages; it does not drop the socket");

  // the limit is per user, not per socket: a user with two sockets gets one burst
  const C = await register(srv.base, uniqueName("rlc"));
  const c1 = await connect(srv.base, C.token);
  const c2 = await connect(srv.base, C.token);
  const split = [];
  for (let i = 0; i < 6; i++) {
    split.push(await call(i % 2 ? c2 : c1, "message:send", { room: "general", text: `split ${i}`, clientMsgId: cid() }));
  }
  assert.deepEqual(
    split.map((ack) => (ack.ok ? "ok" : ack.error?.code)),
    ["ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"],
    "6 rapid sends alternating between two sockets of one user share one burst of 3",
  );
  c1.close();
  c2.close();
  a.close();
  b.close();
});

// Limits on everything else a client can trigger, set low: small bursts,
// then one unit per 5 s, so that no unit comes back while a test floods
// even on a loaded machine. 127.0.0.1 is a trusted proxy here, so each
// test picks client IPs with X-Forwarded-For.
const lim = sharedServer({
  label: "limits",
  env: {
    PARLEY_WRITE_RATE: "0.2",
    PARLEY_WRITE_BURST: "5",
    PARLEY_READ_RATE: "0.2",
    PARLEY_READ_BURST: "5",
    PARLEY_TYPING_RATE: "0.2",
    PARLEY_TYPING_BURST: "3",
    PARLEY_ROOM_CREATE_RATE: "0.2",
    PARLEY_ROOM_CREATE_BURST: "2",
    PARLEY_LOGIN_RATE: "0.2",
    PARLEY_LOGIN_BURST: "3",
    PARLEY_AUTH_IP_RATE: "0.05", // no unit refills while the test runs
    PARLEY_AUTH_IP_BURST: "10",
    PARLEY_BCRYPT_COST: "4",
    PARLEY_MAX_CONNECTIONS_PER_USER: "2",
    PARLEY_MAX_CONNECTIONS_PER_IP: "3",
    PARLEY_TRUSTED_PROXIES: "127.0.0.1",
    PARLEY_SERVICES: "limitbot:limitbot-secret-0123456789,tokenbot:tokenbot-secret-0123456789",
  },
});

/** Registers from an address of its own, so registrations do not spend the budget under test. */
let nextIP = 1;
function freshIP() {
  return `198.51.100.${nextIP++}`;
}
async function registerFrom(username) {
  const res = await api(lim.base, "POST", "/api/auth/register", {
    json: { username, password: DEFAULT_PASSWORD },
    headers: { "x-forwarded-for": freshIP() },
  });
  assert.equal(res.status, 201, res.text);
  return { token: res.body.token, user: res.body.user };
}
function connectFrom(ip, token, opts = {}) {
  return connect(lim.base, token, { extraHeaders: { "x-forwarded-for": ip }, ...opts });
}
const codes = (acks) => acks.map((a) => (a.ok ? "ok" : a.error?.code));

test("a flood of read and dm:open gets RATE_LIMITED acks, the socket keeps working, and writes succeed again after the window", async () => {
  const A = await registerFrom(uniqueName("wfa"));
  const B = await registerFrom(uniqueName("wfb"));
  const a = await connectFrom(freshIP(), A.token);
  const disconnects = collect(a, "disconnect");

  const acks = [];
  for (let i = 0; i < 4; i++) acks.push(await call(a, "read", { room: "general", seq: 0 }));
  for (let i = 0; i < 4; i++) acks.push(await call(a, "dm:open", { user: B.user.username }));
  assert.deepEqual(
    codes(acks),
    ["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"],
    "read and dm:open share one budget of 5 store writes",
  );
  assertAckError(acks[5], "RATE_LIMITED");
  assert.equal(acks.filter((x) => x.ok && x.room).length, 1, "only the first dm:open ran");

  // reads of history are another budget: the same socket still answers them
  assertAckOk(await call(a, "history", { room: "general" }), "history during the write limit");

  await sleep(5100); // one write refills (one per 5 s)
  const later = assertAckOk(await call(a, "dm:open", { user: B.user.username }), "dm:open after the window");
  assert.equal(later.room.kind, "direct");
  assertAckError(await call(a, "read", { room: "general", seq: 0 }), "RATE_LIMITED", "the refilled unit is spent");
  assert.equal(disconnects.length, 0, "limits refuse events; they do not drop the socket");
  a.close();
});

test("history and sync floods get RATE_LIMITED acks", async () => {
  const A = await registerFrom(uniqueName("rfa"));
  const a = await connectFrom(freshIP(), A.token);
  const acks = [];
  for (let i = 0; i < 3; i++) acks.push(await call(a, "history", { room: "general" }));
  for (let i = 0; i < 3; i++) acks.push(await call(a, "sync", {}));
  assert.deepEqual(codes(acks), ["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED"]);
  const rest = await api(lim.base, "GET", "/api/rooms/general/messages", { token: A.token });
  assertRestError(rest, 429, "RATE_LIMITED", "REST history shares the budget");
  assert.equal(rest.headers.get("retry-after"), "5");
  a.close();
});

test("a repeated typing state is acked but not broadcast again, and a typing flood is capped", async () => {
  const A = await registerFrom(uniqueName("tya"));
  const B = await registerFrom(uniqueName("tyb"));
  const a = await connectFrom(freshIP(), A.token);
  const b = await connectFrom(freshIP(), B.token);
  const atB = collect(b, "typing", (e) => e.user?.id === A.user.id);

  const repeats = [];
  for (let i = 0; i < 6; i++) repeats.push(await call(a, "typing", { room: "general", typing: true }));
  assert.deepEqual(codes(repeats), ["ok", "ok", "ok", "ok", "ok", "ok"], "repeats are acked ok");

  const flips = [];
  for (const typing of [false, true, false]) flips.push(await call(a, "typing", { room: "general", typing }));
  assert.deepEqual(codes(flips), ["ok", "ok", "RATE_LIMITED"], "changes spend the budget of 3");

  await waitFor(() => atB.length >= 3, { what: "B's typing events" });
  await sleep(200); // and nothing more
  assert.deepEqual(
    atB.map((e) => e.typing),
    [true, false, true],
    "B saw the first true once, then the two changes within the budget",
  );
  a.close();
  b.close();
});

test("POST /api/rooms past the budget answers 429 RATE_LIMITED with Retry-After", async () => {
  const A = await registerFrom(uniqueName("rca"));
  for (let i = 0; i < 2; i++) {
    const ok = await api(lim.base, "POST", "/api/rooms", { token: A.token, json: { name: uniqueName("lr") } });
    assert.equal(ok.status, 201, ok.text);
  }
  const res = await api(lim.base, "POST", "/api/rooms", { token: A.token, json: { name: uniqueName("lr") } });
  assertRestError(res, 429, "RATE_LIMITED", "third room");
  assert.equal(res.headers.get("retry-after"), "5");
});

test("password guessing is slowed per username (429 with Retry-After) without locking out other usernames", async () => {
  const V = await registerFrom(uniqueName("vic"));
  const ip = freshIP();
  const login = (username, password, from = ip) =>
    api(lim.base, "POST", "/api/auth/login", { json: { username, password }, headers: { "x-forwarded-for": from } });
  for (let i = 0; i < 3; i++) assertRestError(await login(V.user.username, `guess-${i}-wrong`), 401, "UNAUTHORIZED");
  const limited = await login(V.user.username, "guess-4-wrong");
  assertRestError(limited, 429, "RATE_LIMITED", "4th guess");
  assert.equal(limited.headers.get("retry-after"), "5", "one attempt per 5 s (PARLEY_LOGIN_RATE=0.2)");
  assertRestError(
    await login(V.user.username, DEFAULT_PASSWORD, freshIP()),
    429,
    "RATE_LIMITED",
    "the budget is the username's, whatever the address",
  );
  assertRestError(await login(uniqueName("other"), "whatever-123"), 401, "UNAUTHORIZED", "another username is not limited");
  await sleep(5100);
  const ok = await login(V.user.username, DEFAULT_PASSWORD);
  assert.equal(ok.status, 200, ok.text);
});

test("register, login and service tokens share a per-IP budget; another IP is unaffected", async () => {
  const ip = freshIP();
  const from = (path, json, addr = ip) => api(lim.base, "POST", path, { json, headers: { "x-forwarded-for": addr } });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await from("/api/auth/login", { username: uniqueName("nobody"), password: "x-123456" })).status);
  for (let i = 0; i < 3; i++) statuses.push((await from("/api/auth/register", { username: uniqueName("ipr"), password: DEFAULT_PASSWORD })).status);
  for (let i = 0; i < 3; i++) statuses.push((await from("/api/services/token", { appId: "limitbot", secret: "limitbot-secret-0123456789" })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 201, 201, 201, 200, 200, 200], "10 requests within the burst");
  for (const [path, json] of [
    ["/api/auth/login", { username: uniqueName("nobody"), password: "x-123456" }],
    ["/api/auth/register", { username: uniqueName("ipr"), password: DEFAULT_PASSWORD }],
    ["/api/services/token", { appId: "limitbot", secret: "limitbot-secret-0123456789" }],
  ]) {
    const res = await from(path, json);
    assertRestError(res, 429, "RATE_LIMITED", `${path} past the IP's budget`);
    assert.equal(res.headers.get("retry-after"), "20");
  }
  const elsewhere = await from("/api/auth/register", { username: uniqueName("ipr"), password: DEFAULT_PASSWORD }, freshIP());
  assert.equal(elsewhere.status, 201, elsewhere.text);
});

test("service tokens are limited per app id", async () => {
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const res = await api(lim.base, "POST", "/api/services/token", {
      json: { appId: "tokenbot", secret: `wrong-secret-${i}-0123456789` },
      headers: { "x-forwarded-for": freshIP() },
    });
    statuses.push(res.status);
    if (res.status === 429) assert.equal(res.headers.get("retry-after"), "5");
  }
  assert.deepEqual(statuses, [401, 401, 401, 429]);
});

test("connections past the per-user and per-IP caps are refused with connect_error RATE_LIMITED, and closed ones free their place", async () => {
  const A = await registerFrom(uniqueName("cua"));
  const a1 = await connectFrom(freshIP(), A.token);
  const a2 = await connectFrom(freshIP(), A.token);
  const refused = await connectError(lim.base, { token: A.token }, { extraHeaders: { "x-forwarded-for": freshIP() } });
  assert.equal(refused.message, "too many connections");
  assert.deepEqual(refused.data, { code: "RATE_LIMITED" });
  assertAckOk(await call(a1, "history", { room: "general", limit: 1 }), "the open sockets keep working");

  a1.close();
  const a3 = await waitFor(() => connectFrom(freshIP(), A.token).catch(() => null), { what: "a place freed by a closed socket" });

  // sockets abandoned mid-handshake free their place too
  for (let i = 0; i < 8; i++) {
    const s = io(lim.base, { forceNew: true, reconnection: false, auth: { token: A.token }, extraHeaders: { "x-forwarded-for": freshIP() } });
    setTimeout(() => s.close(), i * 3);
  }
  a2.close();
  a3.close();
  const again = [];
  await waitFor(async () => {
    const s = await connectFrom(freshIP(), A.token).catch(() => null);
    if (s) again.push(s);
    return again.length === 2;
  }, { what: "both places back after the abandoned handshakes" });
  again.forEach((s) => s.close());

  // per IP: three users from one address, the fourth is refused; its own
  // user connects from elsewhere
  const ip = freshIP();
  const users = [];
  for (let i = 0; i < 4; i++) users.push(await registerFrom(uniqueName("cip")));
  const held = [];
  for (const u of users.slice(0, 3)) held.push(await connectFrom(ip, u.token));
  const byIP = await connectError(lim.base, { token: users[3].token }, { extraHeaders: { "x-forwarded-for": ip } });
  assert.deepEqual(byIP.data, { code: "RATE_LIMITED" });
  const other = await connectFrom(freshIP(), users[3].token);
  held.forEach((s) => s.close());
  other.close();
});
