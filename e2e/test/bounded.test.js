// Bounded answers: one `sync` answer carries at most PARLEY_SYNC_MAX_MESSAGES
// messages across all rooms, and a `sync` or `history` answer at most
// PARLEY_MAX_ANSWER_BYTES of messages; a client that follows `hasMore` still
// gets every message exactly once, in order.

import { test, sharedServer, assert, assertAckOk, assertMessage, send, history } from "../lib/fixture.js";
import { register, createRoom, uniqueName, connect, call } from "../lib/server.js";

const SYNC_MAX = 5;
const ANSWER_BYTES = 8000;

const srv = sharedServer({
  label: "bounded",
  env: {
    PARLEY_SEND_RATE: "1000",
    PARLEY_SEND_BURST: "1000",
    PARLEY_SYNC_MAX_MESSAGES: String(SYNC_MAX),
    PARLEY_MAX_ANSWER_BYTES: String(ANSWER_BYTES),
  },
});

/** What the messages of an answer weigh on the wire: their JSON, comma-separated. */
const weight = (messages) => messages.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)) + 1, 0);

test("sync answers at most the configured number of messages across rooms; following hasMore gets each once, in order", async () => {
  const A = await register(srv.base, uniqueName("bnda"));
  const B = await register(srv.base, uniqueName("bndb"));
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);

  const rooms = [];
  for (let i = 0; i < 3; i++) {
    const room = await createRoom(srv.base, A.token, { name: uniqueName(`bnd${i}`) });
    assertAckOk(await call(b, "room:join", { room: room.id }), `B joins room ${i}`);
    rooms.push(room.id);
  }
  const sent = Object.fromEntries(rooms.map((r) => [r, []]));
  for (let i = 1; i <= 4; i++) {
    for (const r of rooms) sent[r].push(await send(a, r, `message ${i} in ${r}`));
  }

  // A client that lost its cache: no cursors at first (B's read cursors,
  // from before any of these), then the last seq it got per room.
  const cursors = {};
  const got = Object.fromEntries(rooms.map((r) => [r, []]));
  const counts = [];
  for (let round = 0; ; round++) {
    assert.ok(round < 20, "sync should be done in a few answers");
    const ack = await call(b, "sync", { cursors });
    assertAckOk(ack, "sync");
    let n = 0;
    let more = false;
    for (const r of rooms) {
      const page = ack.rooms[r];
      assert.ok(page && Array.isArray(page.messages) && typeof page.hasMore === "boolean", `page of ${r}: ${JSON.stringify(page)}`);
      for (const m of page.messages) assertMessage(m, { room: r, senderId: A.user.id });
      got[r].push(...page.messages);
      if (page.messages.length) cursors[r] = page.messages.at(-1).seq;
      n += page.messages.length;
      more ||= page.hasMore;
    }
    counts.push(n);
    if (!more) break;
  }
  assert.deepEqual(counts, [5, 5, 2], "12 missed messages come 5 an answer");
  for (const r of rooms) {
    assert.deepEqual(
      got[r].map((m) => [m.id, m.seq, m.text]),
      sent[r].map((m) => [m.id, m.seq, m.text]),
      `room ${r}: every message once, in order`,
    );
  }
  a.close();
  b.close();
});

test("a history page is bounded in bytes; asking before its oldest goes on", async () => {
  const A = await register(srv.base, uniqueName("bndh"));
  const a = await connect(srv.base, A.token);
  const room = await createRoom(srv.base, A.token, { name: uniqueName("bndh") });
  const sent = [];
  for (let i = 1; i <= 7; i++) sent.push(await send(a, room.id, `${i} `.padEnd(3000, "x"))); // about 3.2 kB each: 2 fit

  const pages = [];
  let before = 0;
  for (;;) {
    assert.ok(pages.length < 10, "history should be done in a few pages");
    const page = await history(a, room.id, before ? { before, limit: 100 } : { limit: 100 });
    assert.ok(weight(page.messages) <= ANSWER_BYTES, `a page of ${weight(page.messages)} bytes of messages, over ${ANSWER_BYTES}`);
    pages.unshift(page.messages);
    if (!page.hasMore) break;
    before = page.messages[0].seq;
  }
  assert.deepEqual(
    pages.map((p) => p.map((m) => m.seq - sent[0].seq + 1)),
    [[1], [2, 3], [4, 5], [6, 7]],
    "the newest that fit, oldest first, pages of two",
  );
  assert.deepEqual(
    pages.flat().map((m) => [m.id, m.text]),
    sent.map((m) => [m.id, m.text]),
  );
  a.close();
});
