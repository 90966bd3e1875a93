// Sending and receiving messages: fan-out to other users and other sockets
// (WebSocket and long-polling), idempotent resends, bad input, history
// paging, typing and deletion.

import {
  test,
  sharedServer,
  assert,
  assertMessage,
  assertAckError,
  assertAckOk,
  assertRestError,
  assertContiguous,
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
  waitFor,
  cid,
} from "../lib/server.js";

// generous limits: this file sends many messages quickly (rate limiting has its own file)
const srv = sharedServer({
  label: "messaging",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

/** The fields a client renders: the broadcast must carry the same values as the ack. */
function visible(m) {
  return {
    id: m.id,
    room: m.room,
    seq: m.seq,
    text: m.text,
    sender: m.sender,
    mentions: m.mentions,
    clientMsgId: m.clientMsgId,
    createdAt: m.createdAt,
  };
}

async function users(...prefixes) {
  return Promise.all(prefixes.map((p) => register(srv.base, uniqueName(p))));
}

async function lastSeq(socket, room) {
  const h = await history(socket, room, { limit: 1 });
  return h.messages.length ? h.messages[h.messages.length - 1].seq : 0;
}

test("A sends in general: ack has the stored message; B and A's other socket receive the same message", async () => {
  const [A, B] = await users("ann", "ben");
  const a = await connect(srv.base, A.token);
  const a2 = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);

  const id = cid();
  const atB = nextEvent(b, "message", (m) => m.clientMsgId === id);
  const atA2 = nextEvent(a2, "message", (m) => m.clientMsgId === id);
  const msg = await send(a, "general", "hello from ann", id);
  assertMessage(msg, { room: "general", text: "hello from ann", senderId: A.user.id, clientMsgId: id, mentions: [] });
  assert.equal(msg.sender.username, A.user.username);
  assert.equal(msg.sender.kind, "human");
  assert.ok(!msg.streamId, "a user's message has no streamId");
  assert.ok(!msg.deleted, "a live message is not marked deleted");

  const [mb, ma2] = await Promise.all([atB, atA2]);
  assert.deepEqual(visible(mb), visible(msg), "B receives the message as acked");
  assert.deepEqual(visible(ma2), visible(msg), "A's other socket receives the message as acked");

  // the next message in the room takes the next seq (gap-free)
  const next = await send(b, "general", "hi ann");
  assert.equal(next.seq, msg.seq + 1);
  const h = await history(b, "general", { limit: 2 });
  assert.deepEqual(
    h.messages.map((m) => [m.id, m.seq, m.text]),
    [
      [msg.id, msg.seq, "hello from ann"],
      [next.id, next.seq, "hi ann"],
    ],
  );
  for (const s of [a, a2, b]) s.close();
});

test("@mentions of a user are listed in message.mentions", async () => {
  const [A, B] = await users("menta", "mentb");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const id = cid();
  const atB = nextEvent(b, "message", (m) => m.clientMsgId === id);
  const msg = await send(a, "general", `hey @${B.user.username} have a look`, id);
  assert.deepEqual(msg.mentions, [B.user.username]);
  assert.deepEqual((await atB).mentions, [B.user.username]);
  a.close();
  b.close();
});

test("HTTP long-polling and upgraded sockets of B receive the message; polling can send", async () => {
  const [A, B] = await users("pola", "polb");
  const a = await connect(srv.base, A.token);
  const bws = await connect(srv.base, B.token);
  const bpoll = await connect(srv.base, B.token, { transports: ["polling"] });
  assert.equal(bpoll.io.engine.transport.name, "polling");
  // the browser default: start on polling, upgrade to WebSocket
  const bup = await connect(srv.base, B.token, { transports: ["polling", "websocket"] });
  await waitFor(() => bup.io.engine.transport.name === "websocket", {
    timeoutMs: 5000,
    what: "the polling socket to upgrade to websocket",
  });

  const id = cid();
  const waits = [bws, bpoll, bup].map((s) => nextEvent(s, "message", (m) => m.clientMsgId === id));
  const msg = await send(a, "general", "to every transport", id);
  const got = await Promise.all(waits);
  for (const m of got) assert.deepEqual(visible(m), visible(msg));
  assert.equal(bpoll.io.engine.transport.name, "polling", "the polling-only socket stayed on polling");

  // send over long-polling: acked, and A receives it
  const id2 = cid();
  const atA = nextEvent(a, "message", (m) => m.clientMsgId === id2);
  const fromPoll = await send(bpoll, "general", "sent over polling", id2);
  assert.equal(fromPoll.sender.id, B.user.id);
  assert.deepEqual(visible(await atA), visible(fromPoll));
  for (const s of [a, bws, bpoll, bup]) s.close();
});

test("resending a clientMsgId returns the original message and is not broadcast again", async () => {
  const [A, B] = await users("dupa", "dupb");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const id = cid("dup");
  const seen = collect(b, "message", (m) => m.clientMsgId === id && m.sender.id === A.user.id);

  const first = await send(a, "general", "only once", id);
  await waitFor(() => seen.length === 1, { what: "B to receive the first send" });
  const again = await send(a, "general", "only once", id);
  assert.equal(again.id, first.id, "same id");
  assert.equal(again.seq, first.seq, "same seq");
  assert.equal(again.text, first.text);
  await sleep(300);
  assert.equal(seen.length, 1, `B should receive one "message" for the clientMsgId, got ${seen.length}`);

  // stored once
  const h = await history(b, "general", { limit: 20 });
  assert.equal(h.messages.filter((m) => m.clientMsgId === id).length, 1);

  // a resend from another socket of the same user is a resend too
  const a2 = await connect(srv.base, A.token);
  const third = await send(a2, "general", "only once", id);
  assert.equal(third.id, first.id);
  assert.equal(third.seq, first.seq);

  // the same clientMsgId from a different user is a different message
  const seenB = collect(a, "message", (m) => m.clientMsgId === id && m.sender.id === B.user.id);
  const bs = await send(b, "general", "mine is separate", id);
  assert.notEqual(bs.id, first.id);
  assert.equal(bs.sender.id, B.user.id);
  assert.ok(bs.seq > first.seq);
  await waitFor(() => seenB.length === 1, { what: "A to receive B's message with the same clientMsgId" });
  await sleep(200);
  assert.equal(seen.length, 1, "still one broadcast for A's message");
  for (const s of [a, a2, b]) s.close();
});

test("two concurrent sends with one clientMsgId store and broadcast one message", async () => {
  const [A, B] = await users("cona", "conb");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const id = cid("race");
  const seen = collect(b, "message", (m) => m.clientMsgId === id);
  const acks = await Promise.all([
    call(a, "message:send", { room: "general", text: "racing", clientMsgId: id }),
    call(a, "message:send", { room: "general", text: "racing", clientMsgId: id }),
  ]);
  for (const ack of acks) assertAckOk(ack, "concurrent duplicate send");
  assert.equal(acks[0].message.id, acks[1].message.id, "both acks carry the same message");
  assert.equal(acks[0].message.seq, acks[1].message.seq);
  await sleep(300);
  assert.equal(seen.length, 1, `B should receive one broadcast, got ${seen.length}`);
  const h = await history(b, "general", { limit: 20 });
  assert.equal(h.messages.filter((m) => m.clientMsgId === id).length, 1, "stored once");
  a.close();
  b.close();
});

test("bad input gets an error ack, stores nothing, and the socket keeps working", async (t) => {
  const [A, B, O] = await users("bada", "badb", "bado");
  const priv = await createRoom(srv.base, O.token, { name: uniqueName("secret"), private: true });
  const pub = await createRoom(srv.base, O.token, { name: uniqueName("pubroom") });
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const disconnects = collect(a, "disconnect");
  const base0 = await lastSeq(a, "general");
  const atB = collect(b, "message", (m) => m.room === "general" && m.seq > base0);
  const valid = []; // clientMsgIds that must be stored, in order

  async function stillWorks() {
    const id = cid("ok");
    await send(a, "general", `still working ${valid.length}`, id);
    valid.push(id);
  }

  const long4001 = "x".repeat(4001);
  const cases = [
    ["message:send with a bare string", "message:send", ["hello"], "BAD_REQUEST"],
    ["message:send with null", "message:send", [null], "BAD_REQUEST"],
    ["message:send with a number", "message:send", [42], "BAD_REQUEST"],
    ["message:send with an array", "message:send", [[{ room: "general", text: "x", clientMsgId: cid() }]], "BAD_REQUEST"],
    ["message:send with no payload", "message:send", [], "BAD_REQUEST"],
    ["message:send with room 123", "message:send", [{ room: 123, text: "x", clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send without room", "message:send", [{ text: "x", clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send without text", "message:send", [{ room: "general", clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send with text 42", "message:send", [{ room: "general", text: 42, clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send with text of spaces", "message:send", [{ room: "general", text: "   ", clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send with text of whitespace", "message:send", [{ room: "general", text: "\n\t \r\n", clientMsgId: cid() }], "BAD_REQUEST"],
    ["message:send with 4001 chars", "message:send", [{ room: "general", text: long4001, clientMsgId: cid() }], "TOO_LARGE"],
    ["message:send without clientMsgId", "message:send", [{ room: "general", text: "no id" }], "BAD_REQUEST"],
    ["message:send with clientMsgId 7", "message:send", [{ room: "general", text: "num id", clientMsgId: 7 }], "BAD_REQUEST"],
    ["message:send to an unknown room", "message:send", [{ room: "no-such-room-zz", text: "x", clientMsgId: cid() }], "NOT_FOUND"],
    ["message:send to another user's private room", "message:send", [{ room: priv.id, text: "x", clientMsgId: cid() }], "NOT_FOUND"],
    ["message:send to a public room not joined", "message:send", [{ room: pub.id, text: "x", clientMsgId: cid() }], "FORBIDDEN"],
    ["history with limit \"ten\"", "history", [{ room: "general", limit: "ten" }], "BAD_REQUEST"],
    ["history with limit 2.5", "history", [{ room: "general", limit: 2.5 }], "BAD_REQUEST"],
    ["history with before \"abc\"", "history", [{ room: "general", before: "abc" }], "BAD_REQUEST"],
    ["history with a bare string", "history", ["general"], "BAD_REQUEST"],
    ["history of an unknown room", "history", [{ room: "no-such-room-zz" }], "NOT_FOUND"],
    ["history of another user's private room", "history", [{ room: priv.id }], "NOT_FOUND"],
    ["history of a public room not joined", "history", [{ room: pub.id }], "FORBIDDEN"],
    ["read with seq \"five\"", "read", [{ room: "general", seq: "five" }], "BAD_REQUEST"],
    ["read in a public room not joined", "read", [{ room: pub.id, seq: 1 }], "FORBIDDEN"],
    ["read in another user's private room", "read", [{ room: priv.id, seq: 1 }], "NOT_FOUND"],
    ["typing with null", "typing", [null], "BAD_REQUEST"],
    ["typing in a public room not joined", "typing", [{ room: pub.id, typing: true }], "FORBIDDEN"],
    ["typing in an unknown room", "typing", [{ room: "no-such-room-zz", typing: true }], "NOT_FOUND"],
    ["room:join with a number", "room:join", [5], "BAD_REQUEST"],
    ["room:join of an unknown room", "room:join", [{ room: "no-such-room-zz" }], "NOT_FOUND"],
    ["sync with a bare string", "sync", ["general"], "BAD_REQUEST"],
    ["dm:open with an unknown user", "dm:open", [{ user: uniqueName("nobody") }], "NOT_FOUND"],
  ];
  for (const [name, event, args, code] of cases) {
    await t.test(name, async () => {
      const ack = await call(a, event, ...args);
      assertAckError(ack, code, name);
      await stillWorks();
    });
  }

  // texts at the limit are fine: 4000 chars, 4000 chars plus surrounding
  // whitespace, and 4000 two-byte characters (the limit is in characters)
  for (const [name, text] of [
    ["4000 chars", "y".repeat(4000)],
    ["4000 chars padded with spaces", "  " + "z".repeat(4000) + "  \n"],
    ["4000 non-ASCII chars", "é".repeat(4000)],
  ]) {
    await t.test(`valid: ${name}`, async () => {
      const id = cid("big");
      const msg = await send(a, "general", text, id);
      assert.equal(msg.text.trim().length, 4000);
      valid.push(id);
    });
  }

  await t.test("events without an ack callback do not break the socket", async () => {
    a.emit("message:send", "garbage");
    a.emit("message:send");
    a.emit("message:send", { room: "general", text: "   ", clientMsgId: cid() });
    a.emit("history", null);
    a.emit("typing", 5);
    a.emit("no:such:event", { x: 1 });
    await stillWorks();
    await sleep(200);
    assert.ok(a.connected, "socket still connected");
  });

  await t.test("nothing invalid was stored or broadcast", async () => {
    assert.equal(disconnects.length, 0, `socket was disconnected: ${JSON.stringify(disconnects)}`);
    const h = await history(a, "general", { limit: 100 });
    const stored = h.messages.filter((m) => m.seq > base0);
    assert.deepEqual(
      stored.map((m) => m.clientMsgId),
      valid,
      "history after the test start holds exactly the valid messages, in order",
    );
    assertContiguous(stored, "general");
    await waitFor(() => atB.length >= valid.length, { what: "B to receive every valid message" });
    await sleep(200);
    assert.deepEqual(
      atB.map((m) => m.clientMsgId),
      valid,
      "B received exactly the valid messages",
    );
  });
  a.close();
  b.close();
});

test("an oversized frame from one socket does not hurt the server or other sockets", async () => {
  const [A, B] = await users("flooda", "floodb");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const bDisconnects = collect(b, "disconnect");
  // 3 MB in one event: the server may drop this socket (protocol abuse), nothing else
  a.emit("message:send", { room: "general", text: "x".repeat(3 * 1024 * 1024), clientMsgId: cid() });
  await sleep(500);
  const id = cid();
  const atB = nextEvent(b, "message", (m) => m.clientMsgId === id);
  const c = await connect(srv.base, A.token);
  await send(c, "general", "the server is fine", id);
  await atB;
  assert.equal(bDisconnects.length, 0, "other sockets stay connected");
  const h = await history(b, "general", { limit: 5 });
  assert.ok(!h.messages.some((m) => m.text.length > 4000), "the oversized text was not stored");
  for (const s of [a, b, c]) s.close();
});

test("history pages by seq: default 50, before=, limit capped at 100, hasMore; REST matches", async () => {
  const [A, C] = await users("hista", "histc");
  const room = await createRoom(srv.base, A.token, { name: uniqueName("hist"), topic: "paging" });
  const a = await connect(srv.base, A.token);
  const sent = [];
  for (let i = 1; i <= 105; i++) sent.push(await send(a, room.id, `message number ${i}`));
  assert.deepEqual(
    sent.map((m) => m.seq),
    Array.from({ length: 105 }, (_, i) => i + 1),
    "a new room's messages get seq 1..105",
  );
  const seqs = (h) => h.messages.map((m) => m.seq);
  const range = (lo, hi) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

  let h = await history(a, room.id);
  assert.deepEqual(seqs(h), range(56, 105), "default: the newest 50, oldest first");
  assert.equal(h.hasMore, true);
  assert.equal(h.messages[0].text, "message number 56");

  h = await history(a, room.id, { before: 56 });
  assert.deepEqual(seqs(h), range(6, 55));
  assert.equal(h.hasMore, true);

  h = await history(a, room.id, { before: 6 });
  assert.deepEqual(seqs(h), range(1, 5));
  assert.equal(h.hasMore, false, "nothing before seq 1");

  h = await history(a, room.id, { limit: 500 });
  assert.deepEqual(seqs(h), range(6, 105), "limit 500 is capped to 100");
  assert.equal(h.hasMore, true);

  h = await history(a, room.id, { before: 101, limit: 100 });
  assert.deepEqual(seqs(h), range(1, 100));
  assert.equal(h.hasMore, false, "exactly 100 remained: no more");

  h = await history(a, room.id, { limit: 3 });
  assert.deepEqual(seqs(h), [103, 104, 105]);

  const rest = await api(srv.base, "GET", `/api/rooms/${room.id}/messages?before=56&limit=10`, { token: A.token });
  assert.equal(rest.status, 200, rest.text);
  assert.deepEqual(rest.body.messages.map((m) => m.seq), range(46, 55));
  assert.equal(rest.body.hasMore, true);
  for (const m of rest.body.messages) assertMessage(m, { room: room.id, senderId: A.user.id });
  assert.deepEqual(rest.body.messages.map((m) => m.id), sent.slice(45, 55).map((m) => m.id));

  const restDefault = await api(srv.base, "GET", `/api/rooms/${room.id}/messages`, { token: A.token });
  assert.equal(restDefault.status, 200, restDefault.text);
  assert.deepEqual(restDefault.body.messages.map((m) => m.seq), range(56, 105));

  // members only
  assertRestError(
    await api(srv.base, "GET", `/api/rooms/${room.id}/messages`, { token: C.token }),
    403,
    "FORBIDDEN",
    "history of a public room C did not join",
  );
  assertRestError(
    await api(srv.base, "GET", `/api/rooms/no-such-room-zz/messages`, { token: C.token }),
    404,
    "NOT_FOUND",
    "history of an unknown room",
  );
  assertRestError(
    await api(srv.base, "GET", `/api/rooms/${room.id}/messages`),
    401,
    "UNAUTHORIZED",
    "history without a token",
  );
  a.close();
});

test("typing: B sees A typing in a shared room; a non-member does not", async () => {
  const [A, B, C] = await users("typa", "typb", "typc");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const c = await connect(srv.base, C.token);

  const onB = nextEvent(b, "typing", (e) => e.user?.id === A.user.id && e.room === "general" && e.typing === true);
  assertAckOk(await call(a, "typing", { room: "general", typing: true }), "typing true");
  const ev = await onB;
  assert.equal(ev.user.username, A.user.username);
  assert.equal(ev.user.kind, "human");

  const onBoff = nextEvent(b, "typing", (e) => e.user?.id === A.user.id && e.room === "general" && e.typing === false);
  assertAckOk(await call(a, "typing", { room: "general", typing: false }), "typing false");
  await onBoff;

  // in a room C is not a member of, C sees nothing
  const room = await createRoom(srv.base, A.token, { name: uniqueName("typ") });
  assertAckOk(await call(b, "room:join", { room: room.id }), "B joins");
  const atC = collect(c, "typing", (e) => e.room === room.id);
  const onB2 = nextEvent(b, "typing", (e) => e.user?.id === A.user.id && e.room === room.id && e.typing === true);
  assertAckOk(await call(a, "typing", { room: room.id, typing: true }), "typing in the new room");
  await onB2;
  await sleep(300);
  assert.equal(atC.length, 0, "a non-member must not receive typing events of the room");
  for (const s of [a, b, c]) s.close();
});

test("message:delete by the sender leaves a tombstone and notifies the room; others get FORBIDDEN", async () => {
  const [A, B] = await users("dela", "delb");
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const secret = `delete me ${cid()}`;
  const doomed = await send(a, "general", secret);
  const kept = await send(a, "general", "keep me");

  const onB = nextEvent(b, "message:deleted", (e) => e.id === doomed.id);
  assertAckOk(await call(a, "message:delete", { room: "general", id: doomed.id }), "delete own message");
  const ev = await onB;
  assert.deepEqual({ room: ev.room, id: ev.id, seq: ev.seq }, { room: "general", id: doomed.id, seq: doomed.seq });

  const h = await history(b, "general", { limit: 10 });
  const tomb = h.messages.find((m) => m.id === doomed.id);
  assert.ok(tomb, "the deleted message stays in history as a tombstone");
  assert.equal(tomb.seq, doomed.seq, "the tombstone keeps its seq");
  assert.equal(tomb.deleted, true, "the tombstone is marked deleted: true");
  assert.ok(!tomb.text, `the tombstone must not show the text, got ${JSON.stringify(tomb.text)}`);
  assert.ok(!JSON.stringify(tomb).includes(secret), "the deleted text appears nowhere in the tombstone");
  assertContiguous(h.messages, "general history around the tombstone");

  const rest = await api(srv.base, "GET", `/api/rooms/general/messages?limit=10`, { token: B.token });
  assert.equal(rest.status, 200, rest.text);
  const restTomb = rest.body.messages.find((m) => m.id === doomed.id);
  assert.ok(restTomb && restTomb.deleted === true && !restTomb.text, `REST tombstone: ${JSON.stringify(restTomb)}`);

  // B may not delete A's message, and it stays intact
  const deletedAtA = collect(a, "message:deleted", (e) => e.id === kept.id);
  assertAckError(await call(b, "message:delete", { room: "general", id: kept.id }), "FORBIDDEN", "delete another's message");
  const h2 = await history(a, "general", { limit: 10 });
  const still = h2.messages.find((m) => m.id === kept.id);
  assert.ok(still && still.text === "keep me" && !still.deleted, `message intact: ${JSON.stringify(still)}`);
  await sleep(200);
  assert.equal(deletedAtA.length, 0, "no message:deleted after a refused delete");

  assertAckError(await call(a, "message:delete", { room: "general" }), "BAD_REQUEST", "delete without id");
  a.close();
  b.close();
});
