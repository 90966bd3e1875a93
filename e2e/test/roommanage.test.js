// Room management: room:update (name, topic) and room:role, with the
// room:updated and room:member "role" broadcasts, and a room passing on
// when its owner leaves.

import { test, sharedServer, assert, assertAckError, assertAckOk } from "../lib/fixture.js";
import { api, register, createRoom, uniqueName, connect, call, nextEvent, collect, sleep } from "../lib/server.js";

const srv = sharedServer({ label: "roommanage" });

async function users(...prefixes) {
  return Promise.all(prefixes.map((p) => register(srv.base, uniqueName(p))));
}

async function myRoom(token, id) {
  const res = await api(srv.base, "GET", "/api/rooms", { token });
  assert.equal(res.status, 200, res.text);
  return res.body.rooms.find((r) => r.id === id);
}

/** The wire User of an account, as events carry it. */
function wireUser(u) {
  return { id: u.user.id, username: u.user.username, displayName: u.user.displayName, kind: "human" };
}

test("owners and admins rename a room and set its topic; the room hears room:updated", async () => {
  const [O, A, M, X] = await users("rmo", "rma", "rmm", "rmx");
  const [o, a, m, x] = await Promise.all([O, A, M, X].map((u) => connect(srv.base, u.token)));
  const room = await createRoom(srv.base, O.token, { name: uniqueName("team"), topic: "old topic", private: true });
  for (const u of [A, M]) assertAckOk(await call(o, "room:invite", { room: room.id, user: u.user.username }), "invite");
  assert.deepEqual(await call(o, "room:role", { room: room.id, user: A.user.username, role: "admin" }), { ok: true });

  const newName = uniqueName("renamed");
  const { role, ...wire } = room; // the creator's own role is not part of the room's broadcast
  assert.equal(role, "owner");
  const expected = { ...wire, name: newName };
  const atM = nextEvent(m, "room:updated", (r) => r.id === room.id);
  const atO = nextEvent(o, "room:updated", (r) => r.id === room.id);
  assert.deepEqual(await call(o, "room:update", { room: room.id, name: `  ${newName} ` }), { ok: true, room: expected });
  assert.deepEqual(await atM, expected, "a member hears the new name");
  assert.deepEqual(await atO, expected, "so does the owner's socket");

  expected.topic = "what the team does";
  const atM2 = nextEvent(m, "room:updated", (r) => r.id === room.id && r.topic === expected.topic);
  assert.deepEqual(await call(a, "room:update", { room: room.id, topic: expected.topic }), { ok: true, room: expected });
  assert.deepEqual(await atM2, expected, "an admin's change reaches the room");
  const listed = await myRoom(M.token, room.id);
  assert.equal(listed.name, newName);
  assert.equal(listed.topic, expected.topic);
  assert.equal(listed.role, "member");

  const heard = collect(m, "room:updated", (r) => r.id === room.id);
  assertAckError(await call(m, "room:update", { room: room.id, name: "mine now" }), "FORBIDDEN", "a plain member");
  assertAckError(await call(x, "room:update", { room: room.id, name: "mine now" }), "NOT_FOUND", "a stranger to a private room");
  assertAckError(await call(o, "room:update", { room: "no-such-room", name: "x" }), "NOT_FOUND", "an unknown room");
  assertAckError(await call(o, "room:update", { room: room.id, name: "   " }), "BAD_REQUEST", "a blank name");
  assertAckError(await call(o, "room:update", { room: room.id, name: "two\nlines" }), "BAD_REQUEST", "a control character");
  assertAckError(await call(o, "room:update", { room: room.id, name: 42 }), "BAD_REQUEST", "a numeric name");
  assertAckError(await call(o, "room:update", { room: room.id }), "BAD_REQUEST", "nothing to change");
  assertAckError(await call(o, "room:update", { room: room.id, name: "n".repeat(65) }), "TOO_LARGE", "a long name");
  assertAckError(await call(o, "room:update", { room: room.id, topic: "t".repeat(257) }), "TOO_LARGE", "a long topic");
  const dm = await call(o, "dm:open", { user: M.user.username });
  assertAckError(await call(o, "room:update", { room: dm.room.id, name: "ours" }), "BAD_REQUEST", "a direct room");
  await sleep(200);
  assert.equal(heard.length, 0, "refused updates are not broadcast");
  assert.equal((await myRoom(O.token, room.id)).name, newName, "and change nothing");
  for (const s of [o, a, m, x]) s.close();
});

test("the owner gives and takes the admin role; the room hears room:member role", async () => {
  const [O, A, M] = await users("rlo", "rla", "rlm");
  const [o, a, m] = await Promise.all([O, A, M].map((u) => connect(srv.base, u.token)));
  const room = await createRoom(srv.base, O.token, { name: uniqueName("roles") });
  for (const s of [a, m]) assertAckOk(await call(s, "room:join", { room: room.id }), "join");

  const atM = nextEvent(m, "room:member", (e) => e.room === room.id && e.action === "role");
  assert.deepEqual(await call(o, "room:role", { room: room.id, user: A.user.username, role: "admin" }), { ok: true });
  assert.deepEqual(await atM, { room: room.id, user: wireUser(A), action: "role", role: "admin" });
  assert.equal((await myRoom(A.token, room.id)).role, "admin", "/api/rooms shows the new role");
  const join = await call(m, "room:join", { room: room.id });
  const roles = Object.fromEntries(join.members.map((u) => [u.username, u.role]));
  assert.deepEqual(roles, { [O.user.username]: "owner", [A.user.username]: "admin", [M.user.username]: "member", assistant: "member" });

  // an admin moderates but does not give roles
  assertAckError(await call(a, "room:role", { room: room.id, user: M.user.username, role: "admin" }), "FORBIDDEN", "admin gives a role");
  assertAckError(await call(m, "room:role", { room: room.id, user: M.user.username, role: "admin" }), "FORBIDDEN", "member promotes self");
  assertAckError(await call(o, "room:role", { room: room.id, user: O.user.username, role: "member" }), "FORBIDDEN", "owner demotes self");
  assertAckError(await call(o, "room:role", { room: room.id, user: M.user.username, role: "owner" }), "BAD_REQUEST", "role owner");
  assertAckError(await call(o, "room:role", { room: room.id, user: uniqueName("ghost"), role: "admin" }), "NOT_FOUND", "unknown user");

  const demoted = nextEvent(a, "room:member", (e) => e.room === room.id && e.action === "role" && e.role === "member");
  assert.deepEqual(await call(o, "room:role", { room: room.id, user: A.user.username, role: "member" }), { ok: true });
  assert.deepEqual(await demoted, { room: room.id, user: wireUser(A), action: "role", role: "member" });
  assertAckError(await call(a, "room:update", { room: room.id, topic: "still admin?" }), "FORBIDDEN", "a demoted admin");
  for (const s of [o, a, m]) s.close();
});

test("an owner leaving passes the room to the first admin", async () => {
  const [O, M, A] = await users("lvo", "lvm", "lva");
  const [o, m, a] = await Promise.all([O, M, A].map((u) => connect(srv.base, u.token)));
  const room = await createRoom(srv.base, O.token, { name: uniqueName("heir") });
  for (const s of [m, a]) assertAckOk(await call(s, "room:join", { room: room.id }), "join");
  const promoted = nextEvent(m, "room:member", (e) => e.room === room.id && e.action === "role");
  assertAckOk(await call(o, "room:role", { room: room.id, user: A.user.username, role: "admin" }), "promote");
  await promoted;

  const events = collect(m, "room:member", (e) => e.room === room.id);
  const passed = nextEvent(m, "room:member", (e) => e.room === room.id && e.role === "owner");
  assert.deepEqual(await call(o, "room:leave", { room: room.id }), { ok: true });
  await passed;
  assert.deepEqual(events, [
    { room: room.id, user: wireUser(O), action: "left" },
    { room: room.id, user: wireUser(A), action: "role", role: "owner" },
  ]);
  assert.equal((await myRoom(A.token, room.id)).role, "owner");
  assert.deepEqual(await call(a, "room:role", { room: room.id, user: M.user.username, role: "admin" }), { ok: true });
  for (const s of [o, m, a]) s.close();
});
