// Offline users: sync after a reconnect (explicit cursors and the stored read
// cursor) and unread counts driven by `read`.

import {
  test,
  sharedServer,
  assert,
  assertAckOk,
  assertAckError,
  assertMessage,
  assertRoom,
  send,
  history,
} from "../lib/fixture.js";
import { api, register, createRoom, uniqueName, connect, call, nextEvent, waitFor, cid } from "../lib/server.js";

const srv = sharedServer({
  label: "sync",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

async function sync(socket, cursors) {
  const ack = await call(socket, "sync", { cursors });
  assertAckOk(ack, `sync ${JSON.stringify(cursors)}`);
  assert.ok(ack.rooms && typeof ack.rooms === "object", `sync.rooms: ${JSON.stringify(ack)}`);
  return ack.rooms;
}

async function unread(token, roomId) {
  const res = await api(srv.base, "GET", "/api/rooms", { token });
  assert.equal(res.status, 200, res.text);
  const room = res.body.rooms.find((r) => r.id === roomId);
  assert.ok(room, `room ${roomId} in GET /api/rooms: ${res.text}`);
  assertRoom(room);
  assert.ok(Number.isInteger(room.unread), `unread should be an integer: ${JSON.stringify(room)}`);
  return room.unread;
}

test("sync after a reconnect returns exactly the missed messages, by cursor and by read cursor", async () => {
  const A = await register(srv.base, uniqueName("synca"));
  const B = await register(srv.base, uniqueName("syncb"));
  const a = await connect(srv.base, A.token);
  let b = await connect(srv.base, B.token);

  // a second room B is in, whose cursor the sync call will omit
  const side = await createRoom(srv.base, A.token, { name: uniqueName("side") });
  assertAckOk(await call(b, "room:join", { room: side.id }), "B joins side room");

  const id0 = cid();
  const seenByB = nextEvent(b, "message", (m) => m.clientMsgId === id0);
  const m0 = await send(a, "general", "before B goes offline", id0);
  const lastSeen = (await seenByB).seq;
  assert.equal(lastSeen, m0.seq);

  b.close();
  await waitFor(() => !b.connected, { what: "B to disconnect" });

  const missed = [];
  for (let i = 1; i <= 5; i++) missed.push(await send(a, "general", `while B was away ${i}`));
  const sideMissed = [await send(a, side.id, "side 1"), await send(a, side.id, "side 2")];

  b = await connect(srv.base, B.token);
  let rooms = await sync(b, { general: lastSeen });
  assert.ok(rooms.general, `sync answers for general: ${JSON.stringify(rooms)}`);
  const got = rooms.general.messages;
  assert.ok(Array.isArray(got));
  assert.deepEqual(
    got.map((m) => [m.id, m.seq, m.text]),
    missed.map((m) => [m.id, m.seq, m.text]),
    "exactly the 5 missed messages, in seq order, no duplicates",
  );
  for (const m of got) assertMessage(m, { room: "general", senderId: A.user.id });
  assert.equal(rooms.general.hasMore, false);

  // the omitted room uses B's stored read cursor (B never read it: both messages)
  assert.ok(rooms[side.id], `sync includes the room omitted from cursors: ${JSON.stringify(Object.keys(rooms))}`);
  assert.deepEqual(
    rooms[side.id].messages.map((m) => m.id),
    sideMissed.map((m) => m.id),
  );

  // a cursor at the newest seq: nothing missed
  rooms = await sync(b, { general: missed[4].seq });
  assert.deepEqual(rooms.general?.messages ?? [], [], "nothing after the newest seq");

  // read up to the 2nd missed message; sync with {} starts after the read cursor
  assertAckOk(await call(b, "read", { room: "general", seq: missed[1].seq }), "read");
  assertAckOk(await call(b, "read", { room: side.id, seq: sideMissed[1].seq }), "read side");
  rooms = await sync(b, {});
  assert.deepEqual(
    rooms.general.messages.map((m) => m.seq),
    missed.slice(2).map((m) => m.seq),
    "sync {} returns what follows the stored read cursor",
  );
  if (rooms[side.id]) assert.deepEqual(rooms[side.id].messages, [], "side room fully read");
  a.close();
  b.close();
});

test("unread counts follow messages and `read`, and the read cursor never moves backwards", async () => {
  const A = await register(srv.base, uniqueName("unra"));
  const B = await register(srv.base, uniqueName("unrb"));
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);

  const h = await history(b, "general", { limit: 1 });
  const start = h.messages.length ? h.messages[0].seq : 0;
  if (start > 0) assertAckOk(await call(b, "read", { room: "general", seq: start }), "read up to now");
  assert.equal(await unread(B.token, "general"), 0, "nothing unread after reading everything");

  const sent = [];
  for (let i = 1; i <= 4; i++) sent.push(await send(a, "general", `unread ${i}`));
  assert.equal(await unread(B.token, "general"), 4, "four messages from A are unread for B");

  assertAckOk(await call(b, "read", { room: "general", seq: sent[1].seq }), "read 2 of 4");
  assert.equal(await unread(B.token, "general"), 2, "after reading two, two remain");

  assertAckOk(await call(b, "read", { room: "general", seq: sent[0].seq }), "read with a lower seq");
  assert.equal(await unread(B.token, "general"), 2, "a lower read seq must not move the cursor back");

  // the stored cursor drives sync as well: still after sent[1]
  const rooms = (await call(b, "sync", { cursors: {} })).rooms;
  assert.deepEqual(rooms.general.messages.map((m) => m.seq), [sent[2].seq, sent[3].seq]);

  assertAckOk(await call(b, "read", { room: "general", seq: sent[3].seq }), "read all");
  assert.equal(await unread(B.token, "general"), 0);

  // reading "beyond" the newest message (accepted or refused) must not hide later messages
  const beyond = await call(b, "read", { room: "general", seq: sent[3].seq + 1000 });
  if (!beyond.ok) assertAckError(beyond, "BAD_REQUEST", "read beyond lastSeq");
  await send(a, "general", "after a read beyond the end");
  assert.equal(await unread(B.token, "general"), 1, "a new message is unread even after a read beyond the end");

  // GET /api/rooms reports the room's newest seq
  const roomsA = await api(srv.base, "GET", "/api/rooms", { token: A.token });
  const gA = roomsA.body.rooms.find((r) => r.id === "general");
  assert.equal(gA.lastSeq, sent[3].seq + 1, "general.lastSeq is the newest seq");
  a.close();
  b.close();
});
