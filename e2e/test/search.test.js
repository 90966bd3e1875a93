// Search: GET /api/search over the real binary. Results are whole messages
// as history shows them to the caller, newest first, in the caller's
// current rooms only; deleted messages are never found, edited ones by
// their new text; paging with before; bad queries get the REST error
// shape. Every text carries a marker unique to its test, so messages of
// other tests in the shared default room never match.

import { randomBytes } from "node:crypto";
import { test, sharedServer, assert, assertAckOk, assertRestError, send, history } from "../lib/fixture.js";
import { api, register, createRoom, uniqueName, connect, call } from "../lib/server.js";

const srv = sharedServer({
  label: "search",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

async function person(prefix) {
  const { token, user } = await register(srv.base, uniqueName(prefix));
  return { token, user, socket: await connect(srv.base, token) };
}

/** A marker no other message contains: "mk" and 10 hex digits. */
function marker() {
  return `mk${randomBytes(5).toString("hex")}`;
}

function query(params) {
  return "/api/search?" + new URLSearchParams(params).toString();
}

/** GET /api/search that must answer 200; returns the body. */
async function search(who, params) {
  const res = await api(srv.base, "GET", query(params), { token: who.token });
  assert.equal(res.status, 200, `search ${JSON.stringify(params)} -> ${res.status} ${res.text}`);
  assert.deepEqual(Object.keys(res.body).sort(), ["hasMore", "results"], res.text);
  return res.body;
}

/** The ids found and their rooms, and hasMore. */
async function found(who, params) {
  const body = await search(who, params);
  return {
    ids: body.results.map((r) => r.message.id),
    rooms: body.results.map((r) => r.room.id),
    hasMore: body.hasMore,
  };
}

/** The documented order: createdAt, then id, descending. */
function newestFirst(msgs) {
  return [...msgs].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
}

const ids = (msgs) => msgs.map((m) => m.id);

test("search finds the caller's messages in English and Chinese, newest first, as history shows them, with their rooms", async () => {
  const A = await person("srcha");
  const B = await person("srchb");
  const r1 = await createRoom(srv.base, A.token, { name: uniqueName("one"), topic: "first" });
  const r2 = await createRoom(srv.base, A.token, { name: uniqueName("two"), private: true });
  assertAckOk(await call(B.socket, "room:join", { room: r1.id }), "B joins r1");
  const M = marker();

  const e1 = await send(A.socket, r1.id, `Deploy the ${M} Database tonight`);
  const c1 = await send(B.socket, r1.id, `我们的数据库挂了 ${M}`);
  const s1 = await send(A.socket, r2.id, `${M} secret database plans`);
  const c2 = await send(A.socket, r1.id, `数据很好 ${M}`);
  const x1 = await send(A.socket, r1.id, `lunch? ${M}`);
  assertAckOk(await call(B.socket, "reaction:add", { room: r1.id, id: e1.id, emoji: "👍" }), "B reacts");

  // English, case-insensitive, every term required; only A's rooms.
  let got = await found(A, { q: ` ${M.toUpperCase()}   database ` });
  assert.deepEqual(got, { ids: ids(newestFirst([e1, s1])), rooms: newestFirst([e1, s1]).map((m) => m.room), hasMore: false });
  assert.deepEqual(await found(B, { q: `${M} database` }), { ids: [e1.id], rooms: [r1.id], hasMore: false }, "B never sees r2");
  assert.deepEqual((await found(A, { q: `${M} database lunch` })).ids, []);

  // Chinese substrings, and terms too short for the index.
  assert.deepEqual((await found(A, { q: `数据库 ${M}` })).ids, [c1.id]);
  assert.deepEqual((await found(B, { q: `数据库` , room: r1.id })).ids, [c1.id]);
  assert.deepEqual((await found(A, { q: `数据 ${M}` })).ids, ids(newestFirst([c1, c2])));
  assert.deepEqual((await found(A, { q: "库", room: r1.id })).ids, [c1.id]);
  assert.deepEqual((await found(A, { q: "挂了", room: r1.id })).ids, [c1.id]);

  // A result is the message exactly as the caller's history has it (B's
  // reaction is "me" for B only), beside its room.
  for (const who of [A, B]) {
    const h = await history(who.socket, r1.id);
    const want = h.messages.find((m) => m.id === e1.id);
    assert.equal(want.reactions[0].me, who === B);
    const body = await search(who, { q: `deploy ${M}` });
    assert.equal(body.results.length, 1, JSON.stringify(body));
    assert.deepEqual(body.results[0].message, want, "search shows the message as history does");
    const room = body.results[0].room;
    assert.deepEqual(
      { id: room.id, name: room.name, topic: room.topic, kind: room.kind, private: room.private, createdAt: room.createdAt },
      { id: r1.id, name: r1.name, topic: "first", kind: "group", private: false, createdAt: r1.createdAt },
    );
    assert.equal(room.lastSeq, x1.seq);
    assert.deepEqual(Object.keys(room).sort(), ["createdAt", "id", "kind", "lastRev", "lastSeq", "name", "private", "topic"]);
  }

  // room narrows the search; a room the caller is not in does not exist.
  assert.deepEqual((await found(A, { q: M, room: r2.id })).ids, [s1.id]);
  for (const room of [r2.id, "no-such-room"]) {
    const res = await api(srv.base, "GET", query({ q: M, room }), { token: B.token });
    assertRestError(res, 404, "NOT_FOUND", `B searches ${room}`);
  }
});

test("search pages with before, never finds deleted messages and finds edited ones by their new text", async () => {
  const A = await person("srpa");
  const room = await createRoom(srv.base, A.token, { name: uniqueName("pages") });
  const M = marker();
  const sent = [];
  for (const t of ["alpha", "bravo", "charlie", "delta", "echo"]) sent.push(await send(A.socket, room.id, `${t} ${M}`));
  const all = ids(newestFirst(sent));

  let page = await found(A, { q: M, limit: "2" });
  assert.deepEqual(page, { ids: all.slice(0, 2), rooms: [room.id, room.id], hasMore: true });
  page = await found(A, { q: M, limit: "2", before: page.ids[1] });
  assert.deepEqual(page, { ids: all.slice(2, 4), rooms: [room.id, room.id], hasMore: true });
  page = await found(A, { q: M, limit: "2", before: page.ids[1] });
  assert.deepEqual(page, { ids: all.slice(4), rooms: [room.id], hasMore: false });

  // The same pages for a term short enough to need the scan.
  const M2 = marker().slice(0, 2); // "mk": in every text of every test, so narrowed by room
  page = await found(A, { q: M2, room: room.id, limit: "3" });
  assert.deepEqual(page.ids, all.slice(0, 3));
  assert.equal(page.hasMore, true);
  page = await found(A, { q: M2, room: room.id, limit: "3", before: page.ids[2] });
  assert.deepEqual(page, { ids: all.slice(3), rooms: [room.id, room.id], hasMore: false });

  const [alpha, bravo] = sent;
  assertAckOk(await call(A.socket, "message:delete", { room: room.id, id: bravo.id }), "delete bravo");
  assert.deepEqual((await found(A, { q: `bravo ${M}` })).ids, []);
  assert.deepEqual((await found(A, { q: M })).ids, all.filter((id) => id !== bravo.id));

  assertAckOk(await call(A.socket, "message:edit", { room: room.id, id: alpha.id, text: `zulu ${M}` }), "edit alpha");
  assert.deepEqual((await found(A, { q: `alpha ${M}` })).ids, []);
  const edited = await search(A, { q: `ZULU ${M}` });
  assert.equal(edited.results.length, 1, JSON.stringify(edited));
  assert.equal(edited.results[0].message.id, alpha.id);
  assert.equal(edited.results[0].message.text, `zulu ${M}`);
  assert.ok(edited.results[0].message.editedAt, "the edited message carries editedAt");
});

test("a room left or kicked from is no longer searched", async () => {
  const A = await person("srla");
  const B = await person("srlb");
  const C = await person("srlc");
  const room = await createRoom(srv.base, A.token, { name: uniqueName("leave") });
  for (const p of [B, C]) assertAckOk(await call(p.socket, "room:join", { room: room.id }), "join");
  const M = marker();
  const m = await send(A.socket, room.id, `我们的数据库挂了 ${M}`);
  for (const p of [B, C]) assert.deepEqual((await found(p, { q: `数据库 ${M}` })).ids, [m.id]);

  assertAckOk(await call(B.socket, "room:leave", { room: room.id }), "B leaves");
  assert.deepEqual((await found(B, { q: `数据库 ${M}` })).ids, []);
  assert.deepEqual((await found(B, { q: "数据" })).ids.includes(m.id), false);
  assertRestError(await api(srv.base, "GET", query({ q: M, room: room.id }), { token: B.token }), 404, "NOT_FOUND", "B after leaving");

  assertAckOk(await call(A.socket, "room:kick", { room: room.id, user: C.user.username }), "A kicks C");
  assert.deepEqual((await found(C, { q: `数据库 ${M}` })).ids, []);
  assertRestError(await api(srv.base, "GET", query({ q: M, room: room.id }), { token: C.token }), 404, "NOT_FOUND", "C after the kick");
  assert.deepEqual((await found(A, { q: `数据库 ${M}` })).ids, [m.id], "the owner still finds it");
});

test("query syntax is plain text, and bad queries are BAD_REQUEST with the REST error shape", async () => {
  const A = await person("srqa");
  const room = await createRoom(srv.base, A.token, { name: uniqueName("syntax") });
  const M = marker();
  const quoted = await send(A.socket, room.id, `he said "foo" ${M}`);
  const star = await send(A.socket, room.id, `a*b (x) -y NEAR ${M}`);
  assert.deepEqual((await found(A, { q: `"foo ${M}` })).ids, [quoted.id]);
  assert.deepEqual((await found(A, { q: `a* ${M}` })).ids, [star.id]);
  assert.deepEqual((await found(A, { q: `(x) -y ${M}` })).ids, [star.id]);
  assert.deepEqual((await found(A, { q: `near ${M}` })).ids, [star.id]);
  assert.deepEqual((await found(A, { q: `" ${M}` })).ids, [quoted.id]);
  assert.deepEqual((await found(A, { q: `OR ${M} AND` })).ids, []);

  for (const q of [{}, { q: "" }, { q: "   " }, { q: "数".repeat(201) }, { q: M, limit: "0" }, { q: M, limit: "51" },
    { q: M, limit: "ten" }, { q: M, before: "no-such-message" }]) {
    const res = await api(srv.base, "GET", query(q), { token: A.token });
    assertRestError(res, 400, "BAD_REQUEST", JSON.stringify(q));
    assert.deepEqual(Object.keys(res.body), ["error", "requestId"]);
  }
  assert.deepEqual((await found(A, { q: "数".repeat(200) })).ids, [], "200 characters are fine");
  assertRestError(await api(srv.base, "GET", query({ q: M }), {}), 401, "UNAUTHORIZED", "no token");
});
