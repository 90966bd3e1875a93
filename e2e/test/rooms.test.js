// Rooms: create over REST, join/leave over Socket.IO with member events,
// public vs private visibility, invite/kick, and direct (1:1) rooms.

import {
  test,
  sharedServer,
  assert,
  assertAckOk,
  assertAckError,
  assertRestError,
  assertRoom,
  assertUser,
  send,
  history,
} from "../lib/fixture.js";
import {
  api,
  register,
  createRoom,
  uniqueName,
  connect,
  call,
  nextEvent,
  collect,
  sleep,
  cid,
} from "../lib/server.js";

const srv = sharedServer({
  label: "rooms",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

async function users(...prefixes) {
  return Promise.all(prefixes.map((p) => register(srv.base, uniqueName(p))));
}

async function myRoomIds(token) {
  const res = await api(srv.base, "GET", "/api/rooms", { token });
  assert.equal(res.status, 200, res.text);
  return res.body.rooms.map((r) => r.id);
}

async function publicRooms(token) {
  const res = await api(srv.base, "GET", "/api/rooms/public", { token });
  assert.equal(res.status, 200, res.text);
  assert.ok(Array.isArray(res.body.rooms), res.text);
  for (const r of res.body.rooms) assertRoom(r);
  return res.body.rooms;
}

test("create a room over REST; another user joins and leaves; members see room:member events", async () => {
  const [A, B, C] = await users("rma", "rmb", "rmc");
  // sockets connected before the room exists must still take part in it
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const b2 = await connect(srv.base, B.token);
  const c = await connect(srv.base, C.token);

  const name = uniqueName("plans");
  const res = await api(srv.base, "POST", "/api/rooms", { token: A.token, json: { name, topic: "weekend plans" } });
  assert.equal(res.status, 201, res.text);
  const room = res.body.room;
  assertRoom(room, { name, topic: "weekend plans", kind: "group", private: false, lastSeq: 0 });
  assert.ok((await myRoomIds(A.token)).includes(room.id), "the creator is a member");
  assert.ok(!(await myRoomIds(B.token)).includes(room.id), "B is not a member yet");
  const pub = await publicRooms(B.token);
  assert.ok(pub.some((r) => r.id === room.id), "the new public room is listed in /api/rooms/public");

  // B joins: ack with room and members; A hears about it
  const joinedAtA = nextEvent(a, "room:member", (e) => e.room === room.id && e.user?.id === B.user.id && e.action === "joined");
  const join = await call(b, "room:join", { room: room.id });
  assertAckOk(join, "room:join");
  assertRoom(join.room, { id: room.id, name, kind: "group", private: false });
  assert.ok(Array.isArray(join.members), `members: ${JSON.stringify(join)}`);
  for (const u of join.members) assertUser(u);
  assert.deepEqual(
    join.members.filter((u) => u.kind !== "bot").map((u) => u.id).sort(),
    [A.user.id, B.user.id].sort(),
    "the people among the members are the creator and B",
  );
  assert.deepEqual(
    join.members.filter((u) => u.kind === "bot").map((u) => u.username),
    ["assistant"],
    "the assistant is a member of every group room",
  );
  const joined = await joinedAtA;
  assertUser(joined.user, { id: B.user.id, username: B.user.username });
  assert.ok((await myRoomIds(B.token)).includes(room.id));

  // messages flow both ways, to all of B's sockets, and never to non-member C
  const atC = collect(c, "message", (m) => m.room === room.id);
  const id1 = cid();
  const atA = nextEvent(a, "message", (m) => m.clientMsgId === id1);
  await send(b, room.id, "hi from B", id1);
  await atA;
  const id2 = cid();
  const atB = nextEvent(b, "message", (m) => m.clientMsgId === id2);
  const atB2 = nextEvent(b2, "message", (m) => m.clientMsgId === id2);
  await send(a, room.id, "hi from A", id2);
  await Promise.all([atB, atB2]);

  // a plain member cannot kick the owner
  assertAckError(await call(b, "room:kick", { room: room.id, user: A.user.username }), "FORBIDDEN", "member kicks owner");

  // B leaves: A hears it; B can no longer send or receive there
  const leftAtA = nextEvent(a, "room:member", (e) => e.room === room.id && e.user?.id === B.user.id && e.action === "left");
  assertAckOk(await call(b, "room:leave", { room: room.id }), "room:leave");
  await leftAtA;
  assert.ok(!(await myRoomIds(B.token)).includes(room.id), "the room is gone from B's list");
  assertAckError(
    await call(b, "message:send", { room: room.id, text: "still here?", clientMsgId: cid() }),
    "FORBIDDEN",
    "send after leaving",
  );
  const afterLeave = [collect(b, "message", (m) => m.room === room.id), collect(b2, "message", (m) => m.room === room.id)];
  await send(a, room.id, "B should not see this");
  await sleep(300);
  assert.equal(afterLeave[0].length + afterLeave[1].length, 0, "no messages of a room B left");
  assert.equal(atC.length, 0, "non-member C never received the room's messages");

  for (const s of [a, b, b2, c]) s.close();
});

test("room creation input is validated", async () => {
  const [A] = await users("rmv");
  assertRestError(await api(srv.base, "POST", "/api/rooms", { token: A.token, json: {} }), 400, "BAD_REQUEST", "no name");
  assertRestError(
    await api(srv.base, "POST", "/api/rooms", { token: A.token, json: { name: "" } }),
    400,
    "BAD_REQUEST",
    "empty name",
  );
  assertRestError(
    await api(srv.base, "POST", "/api/rooms", { token: A.token, json: { name: 42 } }),
    400,
    "BAD_REQUEST",
    "numeric name",
  );
  assertRestError(
    await api(srv.base, "POST", "/api/rooms", { json: { name: uniqueName("anon") } }),
    401,
    "UNAUTHORIZED",
    "no token",
  );
});

test("private rooms are unlisted and invisible to non-members until invited; owners can kick", async () => {
  const [O, C] = await users("pro", "prc");
  const o = await connect(srv.base, O.token);
  const c = await connect(srv.base, C.token);

  const priv = await createRoom(srv.base, O.token, { name: uniqueName("hidden"), private: true });
  assertRoom(priv, { private: true, kind: "group" });
  const pubRoom = await createRoom(srv.base, O.token, { name: uniqueName("open") });

  for (const token of [O.token, C.token]) {
    const listed = (await publicRooms(token)).map((r) => r.id);
    assert.ok(!listed.includes(priv.id), "a private room is not in /api/rooms/public");
    assert.ok(listed.includes(pubRoom.id), "the public room is");
  }
  assert.ok((await myRoomIds(O.token)).includes(priv.id), "the owner sees the private room in /api/rooms");

  assertAckError(await call(c, "room:join", { room: priv.id }), "NOT_FOUND", "join a private room uninvited");
  assertAckError(await call(c, "history", { room: priv.id }), "NOT_FOUND", "history of a private room");
  assertRestError(
    await api(srv.base, "GET", `/api/rooms/${priv.id}/messages`, { token: C.token }),
    404,
    "NOT_FOUND",
    "REST history of a private room",
  );
  assert.ok(!(await myRoomIds(C.token)).includes(priv.id));
  assertAckError(
    await call(c, "room:invite", { room: priv.id, user: C.user.username }),
    "NOT_FOUND",
    "a non-member invites themself",
  );

  // the owner invites C; C can then take part (directly, or after joining)
  assertAckOk(await call(o, "room:invite", { room: priv.id, user: C.user.username }), "room:invite");
  let h = await call(c, "history", { room: priv.id });
  if (!h.ok) {
    assertAckOk(await call(c, "room:join", { room: priv.id }), "room:join after invite");
    h = await call(c, "history", { room: priv.id });
  }
  assertAckOk(h, "history after invite");
  const id = cid();
  const atO = nextEvent(o, "message", (m) => m.clientMsgId === id);
  await send(c, priv.id, "thanks for the invite", id);
  await atO;

  // the owner kicks C: members hear it, C loses access
  const kickedAtO = nextEvent(o, "room:member", (e) => e.room === priv.id && e.user?.id === C.user.id && e.action === "kicked");
  assertAckOk(await call(o, "room:kick", { room: priv.id, user: C.user.username }), "room:kick");
  await kickedAtO;
  const atC = collect(c, "message", (m) => m.room === priv.id);
  await send(o, priv.id, "C is gone");
  await sleep(300);
  assert.equal(atC.length, 0, "a kicked user receives nothing more from the room");
  assertAckError(
    await call(c, "message:send", { room: priv.id, text: "let me back", clientMsgId: cid() }),
    "NOT_FOUND",
    "send to a private room after being kicked",
  );
  assert.ok(!(await myRoomIds(C.token)).includes(priv.id));
  o.close();
  c.close();
});

test("dm:open gives both users the same direct room; a third user cannot see it", async () => {
  const [A, B, C] = await users("dma", "dmb", "dmc");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const c = await connect(srv.base, C.token);

  const openA = await call(a, "dm:open", { user: B.user.username });
  assertAckOk(openA, "dm:open by A");
  assertRoom(openA.room, { kind: "direct" });
  const dm = openA.room;

  // B's socket, connected before the room existed, gets A's first message
  const atC = collect(c, "message", (m) => m.room === dm.id);
  const id1 = cid();
  const atB = nextEvent(b, "message", (m) => m.clientMsgId === id1);
  const first = await send(a, dm.id, "psst, B", id1);
  assert.equal((await atB).id, first.id);

  const openB = await call(b, "dm:open", { user: A.user.username });
  assertAckOk(openB, "dm:open by B");
  assert.equal(openB.room.id, dm.id, "the same room whoever opens it");
  const again = await call(a, "dm:open", { user: B.user.username });
  assert.equal(again.room.id, dm.id, "opened once");

  const id2 = cid();
  const atA = nextEvent(a, "message", (m) => m.clientMsgId === id2);
  await send(b, dm.id, "hi A", id2);
  await atA;
  assert.deepEqual((await history(b, dm.id)).messages.map((m) => m.text), ["psst, B", "hi A"]);

  // a third user: invisible
  assertAckError(await call(c, "history", { room: dm.id }), "NOT_FOUND", "history of someone else's DM");
  assertAckError(
    await call(c, "message:send", { room: dm.id, text: "let me in", clientMsgId: cid() }),
    "NOT_FOUND",
    "send to someone else's DM",
  );
  assertAckError(await call(c, "room:join", { room: dm.id }), "NOT_FOUND", "join someone else's DM");
  assertRestError(
    await api(srv.base, "GET", `/api/rooms/${dm.id}/messages`, { token: C.token }),
    404,
    "NOT_FOUND",
    "REST history of someone else's DM",
  );
  await sleep(200);
  assert.equal(atC.length, 0, "C received none of the DM's messages");
  assert.ok(!(await publicRooms(C.token)).some((r) => r.id === dm.id), "a DM is never public");
  assert.ok((await myRoomIds(A.token)).includes(dm.id) && (await myRoomIds(B.token)).includes(dm.id));
  for (const s of [a, b, c]) s.close();
});
