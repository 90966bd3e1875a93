// Conversations: edits, reactions, replies and threads, the message:updated
// event, and sync's catch-up of changes (revs) for a client that was away.
// Whole payloads are compared, with the ids, seqs, revs and times the acks
// gave.

import {
  test,
  sharedServer,
  assert,
  assertAckOk,
  assertAckError,
  assertTime,
  send,
  history,
} from "../lib/fixture.js";
import { register, createRoom, uniqueName, connect, call, nextEvent, collect, sleep, waitFor, cid } from "../lib/server.js";

const srv = sharedServer({
  label: "conversations",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

/** Registered and connected users: [{token, user, socket}]. */
async function people(...prefixes) {
  return Promise.all(
    prefixes.map(async (p) => {
      const { token, user } = await register(srv.base, uniqueName(p));
      return { token, user, socket: await connect(srv.base, token) };
    }),
  );
}

/** A fresh room of the first person's, which the others join. */
async function roomOf(owner, ...others) {
  const room = await createRoom(srv.base, owner.token, { name: uniqueName("conv") });
  for (const o of others) assertAckOk(await call(o.socket, "room:join", { room: room.id }), "room:join");
  return room.id;
}

/** An event that must succeed; returns its ack. */
async function ok(socket, event, payload) {
  const ack = await call(socket, event, payload);
  assertAckOk(ack, `${event} ${JSON.stringify(payload)}`);
  return ack;
}

/** An event that must fail with code. */
async function fails(socket, event, payload, code) {
  assertAckError(await call(socket, event, payload), code, `${event} ${JSON.stringify(payload)}`);
}

/** The next message:updated about id. */
function updated(socket, id, predicate = () => true) {
  return nextEvent(socket, "message:updated", (m) => m.id === id && predicate(m));
}

/** A reaction as a reader sees it. */
function reaction(emoji, users, me) {
  return { emoji, count: users.length, users: users.map((u) => u.user.username), me };
}

/** msg with every reaction's me false: the broadcast's view. */
function broadcastView(msg) {
  return { ...msg, reactions: msg.reactions.map((r) => ({ ...r, me: false })) };
}

/** One sync that must succeed; returns rooms[room]. */
async function syncRoom(socket, room, payload) {
  const ack = await ok(socket, "sync", payload);
  assert.ok(ack.rooms?.[room], `sync answers for ${room}: ${JSON.stringify(ack)}`);
  return ack.rooms[room];
}

test("message:edit by the sender: the ack and every member's message:updated carry the new text, mentions and editedAt", async () => {
  const [A, B] = await people("edita", "editb");
  const room = await roomOf(A, B);
  const id = cid();
  const heard = nextEvent(B.socket, "message", (m) => m.clientMsgId === id);
  const sent = await send(A.socket, room, "hello team", id);
  assert.deepEqual(await heard, sent);
  assert.deepEqual(sent.reactions, [], "a new message has no reactions");
  assert.equal(sent.editedAt, undefined, "a new message has no editedAt");

  const atB = updated(B.socket, sent.id);
  const atA = updated(A.socket, sent.id);
  const messagesAtB = collect(B.socket, "message", (m) => m.id === sent.id);
  const ack = await ok(A.socket, "message:edit", { room, id: sent.id, text: `  hello @${B.user.username.toUpperCase()} and @nobody_here  ` });
  const edited = ack.message;
  assertTime(edited.editedAt, "editedAt");
  assert.ok(edited.editedAt >= sent.createdAt, `editedAt ${edited.editedAt} before createdAt ${sent.createdAt}`);
  assert.deepEqual(Object.keys(ack).sort(), ["message", "ok"]);
  assert.deepEqual(edited, {
    ...sent,
    text: `hello @${B.user.username.toUpperCase()} and @nobody_here`,
    mentions: [B.user.username],
    rev: sent.rev + 1,
    editedAt: edited.editedAt,
  });
  assert.deepEqual(await atB, edited, "the other member's message:updated is the edited message");
  assert.deepEqual(await atA, edited, "the editor's own socket hears message:updated too");

  // a second edit drops the mention and takes the next rev
  const again = (await ok(A.socket, "message:edit", { room, id: sent.id, text: "hello nobody" })).message;
  assert.deepEqual(again, { ...sent, text: "hello nobody", mentions: [], rev: sent.rev + 2, editedAt: again.editedAt });
  await sleep(100);
  assert.deepEqual(messagesAtB, [], "an edit is not a new message event");

  const h = await history(B.socket, room);
  assert.deepEqual(h.messages.at(-1), again, "history serves the edited state");
});

test("message:edit refusals: someone else's message FORBIDDEN, a deleted one NOT_FOUND, empty text BAD_REQUEST, too long TOO_LARGE", async () => {
  const [A, B] = await people("edra", "edrb");
  const room = await roomOf(A, B);
  const mine = await send(A.socket, room, "mine");
  await fails(B.socket, "message:edit", { room, id: mine.id, text: "yours now" }, "FORBIDDEN");
  // the room's owner is a moderator, and still may not edit another's words
  const theirs = await send(B.socket, room, "theirs");
  await fails(A.socket, "message:edit", { room, id: theirs.id, text: "moderated" }, "FORBIDDEN");

  await fails(A.socket, "message:edit", { room, id: mine.id, text: "   " }, "BAD_REQUEST");
  await fails(A.socket, "message:edit", { room, id: mine.id, text: "x".repeat(4001) }, "TOO_LARGE");
  await fails(A.socket, "message:edit", { room, id: "", text: "x" }, "BAD_REQUEST");
  await fails(A.socket, "message:edit", { room, id: "no-such-message", text: "x" }, "NOT_FOUND");

  const gone = await send(A.socket, room, "soon gone");
  await ok(A.socket, "message:delete", { room, id: gone.id });
  await fails(A.socket, "message:edit", { room, id: gone.id, text: "back" }, "NOT_FOUND");

  const h = await history(A.socket, room);
  assert.deepEqual(
    h.messages.map((m) => [m.id, m.text, m.rev, m.editedAt]),
    [
      [mine.id, "mine", mine.rev, undefined],
      [theirs.id, "theirs", theirs.rev, undefined],
      [gone.id, "", gone.rev + 1, undefined],
    ],
    "refused edits change nothing",
  );
});

test("reactions: add, the same add again, counts, users and me (true in the reactor's ack, false in broadcasts), remove", async () => {
  const [A, B, C] = await people("reaa", "reab", "reac");
  const room = await roomOf(A, B, C);
  const m = await send(A.socket, room, "react to me");
  const updatesAtA = collect(A.socket, "message:updated", (u) => u.id === m.id);

  const atA1 = updated(A.socket, m.id);
  const first = (await ok(B.socket, "reaction:add", { room, id: m.id, emoji: "👍" })).message;
  assert.deepEqual(first, { ...m, rev: m.rev + 1, reactions: [reaction("👍", [B], true)] });
  assert.deepEqual(await atA1, broadcastView(first), "the broadcast says me: false");

  // the same reaction again: the same ack, no rev, no broadcast
  const same = (await ok(B.socket, "reaction:add", { room, id: m.id, emoji: "👍" })).message;
  assert.deepEqual(same, first, "adding a reaction one has already answers the message unchanged");

  const atA2 = updated(A.socket, m.id, (u) => u.rev === m.rev + 2);
  const second = (await ok(C.socket, "reaction:add", { room, id: m.id, emoji: "👍" })).message;
  assert.deepEqual(second, { ...m, rev: m.rev + 2, reactions: [reaction("👍", [B, C], true)] });
  assert.deepEqual(await atA2, broadcastView(second));
  assert.deepEqual(updatesAtA.map((u) => u.rev), [m.rev + 1, m.rev + 2], "the repeated add was not broadcast");

  const tada = (await ok(A.socket, "reaction:add", { room, id: m.id, emoji: ":tada:" })).message;
  assert.deepEqual(tada, {
    ...m,
    rev: m.rev + 3,
    reactions: [reaction("👍", [B, C], false), reaction(":tada:", [A], true)],
  });
  // every reader sees their own me
  const asB = (await history(B.socket, room)).messages.at(-1);
  assert.deepEqual(asB.reactions, [reaction("👍", [B, C], true), reaction(":tada:", [A], false)]);

  const atA4 = updated(A.socket, m.id, (u) => u.rev === m.rev + 4);
  const removed = (await ok(B.socket, "reaction:remove", { room, id: m.id, emoji: "👍" })).message;
  assert.deepEqual(removed, {
    ...m,
    rev: m.rev + 4,
    reactions: [reaction("👍", [C], false), reaction(":tada:", [A], false)],
  });
  assert.deepEqual(await atA4, broadcastView(removed));
  // removing what is not there changes nothing
  assert.deepEqual((await ok(B.socket, "reaction:remove", { room, id: m.id, emoji: "👍" })).message, removed);
  // the last user's removal drops the reaction
  const last = (await ok(C.socket, "reaction:remove", { room, id: m.id, emoji: "👍" })).message;
  assert.deepEqual(last, { ...m, rev: m.rev + 5, reactions: [reaction(":tada:", [A], false)] });
  await ok(A.socket, "message:edit", { room, id: m.id, text: "marker" });
  await waitFor(() => updatesAtA.some((u) => u.text === "marker"), { what: "the marker edit" });
  assert.deepEqual(
    updatesAtA.map((u) => u.rev),
    [m.rev + 1, m.rev + 2, m.rev + 3, m.rev + 4, m.rev + 5, m.rev + 6],
    "one broadcast per change, none for the no-ops",
  );
});

test("reactions: invalid emoji BAD_REQUEST, a 21st distinct emoji BAD_REQUEST, users lists the first ten, deleted NOT_FOUND", async () => {
  const reactors = await people(...Array.from({ length: 11 }, (_, i) => `rx${i}`));
  const [A, B] = reactors;
  const room = await roomOf(...reactors);
  const m = await send(A.socket, room, "so many reactions");

  for (const emoji of ["", "thumbs up", ":Bad:", "a", "👍".repeat(9), ":" + "x".repeat(31) + ":"]) {
    await fails(B.socket, "reaction:add", { room, id: m.id, emoji }, "BAD_REQUEST");
  }
  await fails(B.socket, "reaction:add", { room, id: "no-such-message", emoji: "👍" }, "NOT_FOUND");
  await fails(B.socket, "reaction:add", { room, id: m.id }, "BAD_REQUEST");
  for (const emoji of ["🇫🇷", "1️⃣", "👍🏽", "👩‍💻", ":+1:", "❤️"]) {
    await ok(B.socket, "reaction:add", { room, id: m.id, emoji });
  }

  // eleven users on one emoji: count 11, the first ten named
  let msg;
  for (const r of reactors) msg = (await ok(r.socket, "reaction:add", { room, id: m.id, emoji: "🎉" })).message;
  const party = msg.reactions.find((r) => r.emoji === "🎉");
  assert.deepEqual(party, { emoji: "🎉", count: 11, users: reactors.slice(0, 10).map((r) => r.user.username), me: true });

  // up to 20 distinct emoji; the 21st is refused, existing ones still take users
  for (let i = msg.reactions.length; i < 20; i++) {
    msg = (await ok(A.socket, "reaction:add", { room, id: m.id, emoji: `:e${i}:` })).message;
  }
  assert.equal(msg.reactions.length, 20);
  await fails(A.socket, "reaction:add", { room, id: m.id, emoji: ":one_too_many:" }, "BAD_REQUEST");
  const more = (await ok(B.socket, "reaction:add", { room, id: m.id, emoji: ":e19:" })).message;
  assert.deepEqual(more.reactions.at(-1), reaction(":e19:", [A, B], true));
  assert.equal(more.rev, msg.rev + 1);

  // a tombstone takes no reactions and keeps none
  const atB = updated(B.socket, m.id, (u) => u.deleted === true);
  await ok(A.socket, "message:delete", { room, id: m.id });
  const tomb = await atB;
  assert.deepEqual(tomb, { ...m, text: "", rev: more.rev + 1, deleted: true });
  await fails(B.socket, "reaction:add", { room, id: m.id, emoji: "👍" }, "NOT_FOUND");
  await fails(B.socket, "reaction:remove", { room, id: m.id, emoji: "🎉" }, "NOT_FOUND");
});

test("replies: replyTo's quote in the ack and the broadcast; unknown, deleted or foreign ids NOT_FOUND", async () => {
  const [A, B] = await people("repa", "repb");
  const room = await roomOf(A, B);
  const other = await roomOf(A);
  const long = "a long question " + "é".repeat(300);
  const root = await send(A.socket, room, long);

  const clientMsgId = cid();
  const atA = nextEvent(A.socket, "message", (m) => m.clientMsgId === clientMsgId);
  const ack = await ok(B.socket, "message:send", { room, text: "a short answer", clientMsgId, replyTo: root.id });
  const reply = ack.message;
  assertTime(reply.createdAt);
  assert.deepEqual(reply, {
    id: reply.id,
    room,
    seq: root.seq + 1,
    rev: root.rev + 1,
    sender: B.user,
    text: "a short answer",
    mentions: [],
    clientMsgId,
    reactions: [],
    createdAt: reply.createdAt,
    replyTo: { id: root.id, seq: root.seq, sender: A.user, text: [...long].slice(0, 199).join("") + "…" },
  });
  assert.equal([...reply.replyTo.text].length, 200);
  assert.deepEqual(await atA, reply, "the broadcast carries the same quote");

  // a retry with the same clientMsgId answers the same reply
  const retry = await ok(B.socket, "message:send", { room, text: "a short answer", clientMsgId, replyTo: root.id });
  assert.deepEqual(retry.message, reply);

  await fails(B.socket, "message:send", { room, text: "to nothing", clientMsgId: cid(), replyTo: "no-such-message" }, "NOT_FOUND");
  const elsewhere = await send(A.socket, other, "in another room");
  await fails(A.socket, "message:send", { room, text: "across rooms", clientMsgId: cid(), replyTo: elsewhere.id }, "NOT_FOUND");
  const gone = await send(A.socket, room, "deleted soon");
  await ok(A.socket, "message:delete", { room, id: gone.id });
  await fails(B.socket, "message:send", { room, text: "too late", clientMsgId: cid(), replyTo: gone.id }, "NOT_FOUND");
  const h = await history(A.socket, room);
  assert.deepEqual(h.messages.map((m) => m.id), [root.id, reply.id, gone.id], "refused replies store nothing");
  assert.deepEqual(h.messages[1], reply, "history serves the quote too");
});

test("thread: the root and its replies in order, paged with after and hasMore; the quote follows edits and deletion", async () => {
  const [A, B, C] = await people("thra", "thrb", "thrc");
  const room = await roomOf(A, B, C);
  const root = await send(A.socket, room, "the root");
  const replyTo = (s, text) => ok(s, "message:send", { room, text, clientMsgId: cid(), replyTo: root.id }).then((a) => a.message);
  const r1 = await replyTo(B.socket, "first");
  await send(C.socket, room, "not in the thread");
  const r2 = await replyTo(C.socket, "second");
  const nested = (await ok(A.socket, "message:send", { room, text: "to the first reply", clientMsgId: cid(), replyTo: r1.id })).message;
  const r3 = await replyTo(A.socket, "third");

  let th = await ok(C.socket, "thread", { room, id: root.id, limit: 2 });
  assert.deepEqual(th, { ok: true, root, replies: [r1, r2], hasMore: true });
  th = await ok(C.socket, "thread", { room, id: root.id, after: r2.seq, limit: 2 });
  assert.deepEqual(th, { ok: true, root, replies: [r3], hasMore: false });
  th = await ok(C.socket, "thread", { room, id: root.id });
  assert.deepEqual(th, { ok: true, root, replies: [r1, r2, r3], hasMore: false });
  th = await ok(C.socket, "thread", { room, id: r1.id });
  assert.deepEqual(th, { ok: true, root: r1, replies: [nested], hasMore: false }, "a reply's own thread");
  th = await ok(C.socket, "thread", { room, id: r3.id });
  assert.deepEqual(th, { ok: true, root: r3, replies: [], hasMore: false });

  await fails(C.socket, "thread", { room, id: "no-such-message" }, "NOT_FOUND");
  await fails(C.socket, "thread", { room, id: root.id, after: -1 }, "BAD_REQUEST");
  await fails(C.socket, "thread", { room, id: root.id, limit: -1 }, "BAD_REQUEST");
  await fails(C.socket, "thread", { room }, "BAD_REQUEST");
  const [D] = await people("thrd");
  await fails(D.socket, "thread", { room, id: root.id }, "FORBIDDEN");

  // quotes are shown as the quoted message is now
  const edited = (await ok(A.socket, "message:edit", { room, id: root.id, text: "the root, edited" })).message;
  th = await ok(C.socket, "thread", { room, id: root.id, limit: 1 });
  assert.deepEqual(th, {
    ok: true,
    root: edited,
    replies: [{ ...r1, replyTo: { ...r1.replyTo, text: "the root, edited" } }],
    hasMore: true,
  });
  await ok(A.socket, "message:delete", { room, id: root.id });
  th = await ok(C.socket, "thread", { room, id: root.id, limit: 1 });
  assert.deepEqual(th, {
    ok: true,
    root: { ...edited, text: "", rev: edited.rev + 1, deleted: true },
    replies: [{ ...r1, replyTo: { ...r1.replyTo, text: "", deleted: true } }],
    hasMore: true,
  });
});

test("offline catch-up: sync with revs answers exactly the edit, the reaction and the delete made while away, then the new message", async () => {
  const [A, B] = await people("offa", "offb");
  let [C] = await people("offc");
  const room = await roomOf(A, B, C);
  const m1 = await send(A.socket, room, "one");
  const m2 = await send(A.socket, room, "two");
  const m3 = await send(A.socket, room, "three");
  const untouched = await send(A.socket, room, "four");

  const first = await syncRoom(C.socket, room, { cursors: { [room]: untouched.seq } });
  assert.deepEqual(first, { messages: [], changes: [], hasMore: false, rev: untouched.rev });
  C.socket.close();
  await waitFor(() => !C.socket.connected, { what: "C to disconnect" });

  const edit = (await ok(A.socket, "message:edit", { room, id: m1.id, text: "one, edited" })).message;
  const react = (await ok(B.socket, "reaction:add", { room, id: m2.id, emoji: "👀" })).message;
  const tomb = updated(A.socket, m3.id, (u) => u.deleted === true);
  await ok(A.socket, "message:delete", { room, id: m3.id });
  const deleted = await tomb;
  const m5 = await send(A.socket, room, "five");
  assert.deepEqual([edit.rev, react.rev, deleted.rev, m5.rev], [untouched.rev + 1, untouched.rev + 2, untouched.rev + 3, untouched.rev + 4]);

  C.socket = await connect(srv.base, C.token);
  const caught = await syncRoom(C.socket, room, { cursors: { [room]: untouched.seq }, revs: { [room]: first.rev } });
  assert.deepEqual(caught, {
    messages: [m5],
    changes: [edit, broadcastView(react), deleted],
    hasMore: false,
    rev: m5.rev,
  });
  assert.deepEqual(deleted, { ...m3, text: "", rev: untouched.rev + 3, deleted: true });

  const again = await syncRoom(C.socket, room, { cursors: { [room]: m5.seq }, revs: { [room]: caught.rev } });
  assert.deepEqual(again, { messages: [], changes: [], hasMore: false, rev: m5.rev }, "nothing changed since");

  // a change seen live still comes once from a sync from an older rev
  const older = await syncRoom(C.socket, room, { cursors: { [room]: m5.seq }, revs: { [room]: react.rev } });
  assert.deepEqual(older, { messages: [], changes: [deleted], hasMore: false, rev: m5.rev });
  // without revs a room answers no changes, and the rev to start from
  const fresh = await syncRoom(C.socket, room, { cursors: { [room]: m1.seq } });
  assert.deepEqual(fresh, { messages: [broadcastView(react), deleted, untouched, m5], changes: [], hasMore: false, rev: m5.rev });
  await fails(C.socket, "sync", { cursors: { [room]: m5.seq }, revs: { [room]: -1 } }, "BAD_REQUEST");
});

test("the assistant answers an edit that adds @assistant once, and not a later edit that still mentions it", async () => {
  const [A] = await people("asked");
  const room = await roomOf(A);
  const bots = collect(A.socket, "message", (m) => m.room === room && m.sender.kind === "bot");
  const m = await send(A.socket, room, "a question with no one asked");
  await sleep(300);
  assert.deepEqual(bots, [], "no mention, no answer");

  await ok(A.socket, "message:edit", { room, id: m.id, text: "hey @assistant help" });
  await waitFor(() => bots.length === 1, { timeoutMs: 10_000, what: "the assistant's answer to the edit" });
  const answer = bots[0];
  assert.equal(answer.sender.username, "assistant");
  assert.deepEqual(answer.mentions, [A.user.username]);
  assert.match(answer.text, new RegExp(`^@${A.user.username} `));

  await ok(A.socket, "message:edit", { room, id: m.id, text: "hey @assistant help, please" });
  await sleep(1500);
  assert.equal(bots.length, 1, "an edit that keeps the mention is not answered again");
});
