// Notification levels: `room:notify` stores the caller's own level for a
// room, `GET /api/rooms` returns it as `notify` (defaults: all in a direct
// room, mentions in a group room), and the event is refused for
// non-members and unknown levels.

import { test, sharedServer, assert, assertAckOk, assertAckError } from "../lib/fixture.js";
import { api, register, createRoom, uniqueName, connect, call, sleep } from "../lib/server.js";

const srv = sharedServer({ label: "notify" });

async function levels(token) {
  const res = await api(srv.base, "GET", "/api/rooms", { token });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.body.rooms.map((r) => [r.id, r.notify]));
}

test("room:notify stores the caller's level; GET /api/rooms returns it, with defaults by room kind", async () => {
  const [A, B] = await Promise.all([register(srv.base, uniqueName("nota")), register(srv.base, uniqueName("notb"))]);
  const room = await createRoom(srv.base, A.token, { name: uniqueName("room") });
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const dm = await call(a, "dm:open", { user: B.user.username });
  assertAckOk(dm, "dm:open");
  assertAckOk(await call(b, "room:join", { room: room.id }), "room:join");

  assert.deepEqual(await levels(A.token), { general: "mentions", [room.id]: "mentions", [dm.room.id]: "all" }, "A's defaults");

  // Presence comes and goes on its own schedule; anything else heard is a broadcast.
  const heard = [];
  b.onAny((name, ...args) => name !== "presence" && heard.push({ name, args }));
  const otherSocket = await connect(srv.base, A.token);
  const heardOther = [];
  otherSocket.onAny((name, ...args) => name !== "presence" && heardOther.push({ name, args }));

  assert.deepEqual(await call(a, "room:notify", { room: room.id, level: "all" }), { ok: true });
  assert.deepEqual(await call(a, "room:notify", { room: dm.room.id, level: "none" }), { ok: true });
  assert.deepEqual(await call(a, "room:notify", { room: "general", level: "none" }), { ok: true });
  assert.deepEqual(await call(a, "room:notify", { room: "general", level: "mentions" }), { ok: true });
  assert.deepEqual(await levels(A.token), { general: "mentions", [room.id]: "all", [dm.room.id]: "none" }, "A's chosen levels");
  // B's levels of the same rooms are B's own.
  assert.deepEqual(await levels(B.token), { general: "mentions", [room.id]: "mentions", [dm.room.id]: "all" }, "B's levels");

  // Nothing is broadcast: neither to the room nor to A's other socket.
  await sleep(300);
  assert.deepEqual(heard, []);
  assert.deepEqual(heardOther, []);

  // Leaving forgets the level.
  assertAckOk(await call(b, "room:notify", { room: room.id, level: "none" }), "B sets none");
  assertAckOk(await call(b, "room:leave", { room: room.id }), "B leaves");
  assertAckOk(await call(b, "room:join", { room: room.id }), "B joins again");
  assert.equal((await levels(B.token))[room.id], "mentions", "a member who came back has the default again");
  for (const s of [a, b, otherSocket]) s.close();
});

test("room:notify is refused for unknown levels, missing fields and rooms the caller is not in", async () => {
  const [A, C] = await Promise.all([register(srv.base, uniqueName("nota")), register(srv.base, uniqueName("notc"))]);
  const pub = await createRoom(srv.base, A.token, { name: uniqueName("pub") });
  const priv = await createRoom(srv.base, A.token, { name: uniqueName("priv"), private: true });
  const a = await connect(srv.base, A.token);
  const c = await connect(srv.base, C.token);
  for (const level of ["loud", "", "ALL", 3, null]) {
    assertAckError(await call(a, "room:notify", { room: pub.id, level }), "BAD_REQUEST", `level ${JSON.stringify(level)}`);
  }
  assertAckError(await call(a, "room:notify", { room: pub.id }), "BAD_REQUEST", "no level");
  assertAckError(await call(a, "room:notify", { level: "all" }), "BAD_REQUEST", "no room");
  assertAckError(await call(c, "room:notify", { room: pub.id, level: "all" }), "FORBIDDEN", "a public room not joined");
  assertAckError(await call(c, "room:notify", { room: priv.id, level: "all" }), "NOT_FOUND", "a private room of others");
  assertAckError(await call(c, "room:notify", { room: "no-such-room", level: "all" }), "NOT_FOUND", "no such room");
  assert.equal((await levels(A.token))[pub.id], "mentions", "refused changes changed nothing");
  for (const s of [a, c]) s.close();
});
