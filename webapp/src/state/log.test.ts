import { describe, expect, it } from "vitest";
import type { PendingMessage } from "../merge";
import { reduce } from "./reducer";
import { bob, bot, me, msg, room, roomState, signedIn } from "./testing";

const lobby = room("lobby", { lastSeq: 3 });
const pending = (clientMsgId: string): PendingMessage => ({
  clientMsgId,
  room: "lobby",
  text: "hi",
  createdAt: "2026-01-01T00:00:00.000Z",
  status: "sending",
  attempts: 1,
});
const stream = { text: "Thinking", sender: bot, startedAt: "2026-01-01T00:00:00.000Z", done: false };

describe("message/received", () => {
  it("appends to an opened log and counts as unread", () => {
    const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 1), msg("lobby", 2), msg("lobby", 3)], lastSeq: 3, readSeq: 3 });
    const m = msg("lobby", 4);
    expect(reduce(signedIn([r]), { type: "message/received", message: m })).toEqual(signedIn([{ ...r, messages: [...r.messages, m], lastSeq: 4 }]));
  });

  it("only counts in a room whose log is not loaded", () => {
    const r = roomState(lobby, { lastSeq: 3, readSeq: 3 });
    expect(reduce(signedIn([r]), { type: "message/received", message: msg("lobby", 4) })).toEqual(signedIn([{ ...r, lastSeq: 4 }]));
  });

  it("sorts a message that arrives out of order into place, once", () => {
    const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 1), msg("lobby", 3)], lastSeq: 3, readSeq: 3 });
    const s = reduce(signedIn([r]), { type: "message/received", message: msg("lobby", 2) });
    expect(s).toEqual(signedIn([{ ...r, messages: [msg("lobby", 1), msg("lobby", 2), msg("lobby", 3)] }]));
    expect(reduce(s, { type: "message/received", message: msg("lobby", 2) })).toEqual(s);
  });

  it("ends its sender's typing, settles my pending copy, marks mine read and replaces the stream it finishes", () => {
    const r = roomState(lobby, {
      loaded: true,
      messages: [msg("lobby", 3)],
      lastSeq: 3,
      readSeq: 1,
      pending: [pending("mine-1"), pending("mine-2")],
      typing: { [bob.id]: { user: bob, until: 99 } },
      streams: { "st-1": stream },
    });
    const fromBob = msg("lobby", 4);
    const fromMe = msg("lobby", 5, { sender: me, clientMsgId: "mine-1" });
    const fromBot = msg("lobby", 6, { sender: bot, streamId: "st-1", clientMsgId: "" });
    let s = reduce(signedIn([r]), { type: "message/received", message: fromBob });
    s = reduce(s, { type: "message/received", message: fromMe });
    s = reduce(s, { type: "message/received", message: fromBot });
    expect(s).toEqual(
      signedIn([{ ...r, messages: [msg("lobby", 3), fromBob, fromMe, fromBot], lastSeq: 6, readSeq: 5, pending: [pending("mine-2")], typing: {}, streams: {} }]),
    );
  });

  it("is left to a sync when the room is unknown", () => {
    const s = signedIn([roomState(lobby)]);
    expect(reduce(s, { type: "message/received", message: msg("elsewhere", 1) })).toBe(s);
  });
});

describe("sync/page", () => {
  it("fills an opened log and moves its counters", () => {
    const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 1)], lastSeq: 1, readSeq: 1 });
    const page = [msg("lobby", 2), msg("lobby", 3, { sender: me, clientMsgId: "mine" })];
    expect(reduce(signedIn([{ ...r, pending: [pending("mine")] }]), { type: "sync/page", room: "lobby", messages: page })).toEqual(
      signedIn([{ ...r, messages: [msg("lobby", 1), ...page], lastSeq: 3, readSeq: 3, pending: [] }]),
    );
  });

  it("changes nothing for an empty page", () => {
    const s = signedIn([roomState(lobby)]);
    expect(reduce(s, { type: "sync/page", room: "lobby", messages: [] })).toBe(s);
  });
});

describe("send/acked", () => {
  it("puts the stored message in place of its pending copy", () => {
    const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 3)], lastSeq: 3, readSeq: 2, pending: [pending("c1")] });
    const stored = msg("lobby", 4, { sender: me, clientMsgId: "c1", text: "hi" });
    expect(reduce(signedIn([r]), { type: "send/acked", room: "lobby", message: stored })).toEqual(
      signedIn([{ ...r, messages: [msg("lobby", 3), stored], lastSeq: 4, readSeq: 4, pending: [] }]),
    );
  });

  it("is a no-op after the live event brought the same message", () => {
    const stored = msg("lobby", 4, { sender: me, clientMsgId: "c1" });
    const r = roomState(lobby, { loaded: true, messages: [stored], lastSeq: 4, readSeq: 4 });
    expect(reduce(signedIn([r]), { type: "send/acked", room: "lobby", message: stored })).toEqual(signedIn([r]));
  });
});

describe("history/loaded", () => {
  it("opens the log with the newest page and settles pending sends it holds", () => {
    const r = roomState(lobby, { lastSeq: 3, readSeq: 0, pending: [pending("c3"), pending("c9")] });
    const page = { messages: [msg("lobby", 2), msg("lobby", 3, { sender: me, clientMsgId: "c3" })], hasMore: true };
    expect(reduce(signedIn([r]), { type: "history/loaded", room: "lobby", page })).toEqual(
      signedIn([{ ...r, loaded: true, hasMoreBefore: true, messages: page.messages, pending: [pending("c9")] }]),
    );
  });

  it("keeps a live message that landed first and learns of newer ones", () => {
    const live = msg("lobby", 5);
    const r = roomState(lobby, { lastSeq: 5, messages: [live] });
    const page = { messages: [msg("lobby", 1), msg("lobby", 2), msg("lobby", 6)], hasMore: false };
    expect(reduce(signedIn([r]), { type: "history/loaded", room: "lobby", page })).toEqual(
      signedIn([{ ...r, loaded: true, hasMoreBefore: false, messages: [msg("lobby", 1), msg("lobby", 2), live, msg("lobby", 6)], lastSeq: 6 }]),
    );
  });
});

describe("older pages", () => {
  const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 3)], hasMoreBefore: true });

  it("older/requested shows the loading line", () => {
    expect(reduce(signedIn([r]), { type: "older/requested", room: "lobby" })).toEqual(signedIn([{ ...r, loadingOlder: true }]));
  });

  it("older/loaded prepends the page and says whether there is more", () => {
    const page = { messages: [msg("lobby", 1), msg("lobby", 2)], hasMore: false };
    expect(reduce(signedIn([{ ...r, loadingOlder: true }]), { type: "older/loaded", room: "lobby", page })).toEqual(
      signedIn([{ ...r, loadingOlder: false, hasMoreBefore: false, messages: [msg("lobby", 1), msg("lobby", 2), msg("lobby", 3)] }]),
    );
  });

  it("older/failed hides the loading line, to be tried again on scroll", () => {
    expect(reduce(signedIn([{ ...r, loadingOlder: true }]), { type: "older/failed", room: "lobby" })).toEqual(signedIn([r]));
    const s = signedIn([r]);
    expect(reduce(s, { type: "older/failed", room: "lobby" })).toBe(s);
  });
});

describe("sync/overflowed", () => {
  it("empties the opened logs so they load again from the newest page", () => {
    const opened = roomState(lobby, { loaded: true, messages: [msg("lobby", 1)], pending: [pending("c1")] });
    const closed = roomState(room("news", { lastSeq: 4 }));
    expect(reduce(signedIn([opened, closed]), { type: "sync/overflowed" })).toEqual(
      signedIn([{ ...opened, loaded: false, messages: [] }, closed]),
    );
  });
});

describe("message/deleted", () => {
  it("leaves a tombstone without the text", () => {
    const r = roomState(lobby, { loaded: true, messages: [msg("lobby", 1), msg("lobby", 2)] });
    expect(reduce(signedIn([r]), { type: "message/deleted", room: "lobby", id: "lobby-2" })).toEqual(
      signedIn([{ ...r, messages: [msg("lobby", 1), { ...msg("lobby", 2), deleted: true, text: "" }] }]),
    );
  });

  it("changes nothing for a message not held", () => {
    const s = signedIn([roomState(lobby, { loaded: true, messages: [msg("lobby", 1)] })]);
    expect(reduce(s, { type: "message/deleted", room: "lobby", id: "lobby-9" })).toBe(s);
  });
});

describe("stream/delta", () => {
  const at = "2026-01-01T00:00:05.000Z";

  it("starts a reply from the room's bot and appends to it", () => {
    const r = roomState(lobby, { loaded: true, members: [me, bot] });
    let s = reduce(signedIn([r]), { type: "stream/delta", delta: { room: "lobby", streamId: "st", delta: "Hel", done: false }, at });
    s = reduce(s, { type: "stream/delta", delta: { room: "lobby", streamId: "st", delta: "lo", done: true }, at: "later" });
    expect(s).toEqual(signedIn([{ ...r, streams: { st: { text: "Hello", sender: bot, startedAt: at, done: true } } }]));
  });

  it("has no sender until a member list names the bot", () => {
    const r = roomState(lobby, { loaded: true });
    expect(reduce(signedIn([r]), { type: "stream/delta", delta: { room: "lobby", streamId: "st", delta: "x", done: false }, at })).toEqual(
      signedIn([{ ...r, streams: { st: { text: "x", sender: null, startedAt: at, done: false } } }]),
    );
  });

  it("ignores a late delta of a reply already in the log", () => {
    const s = signedIn([roomState(lobby, { loaded: true, messages: [msg("lobby", 1, { streamId: "st" })] })]);
    expect(reduce(s, { type: "stream/delta", delta: { room: "lobby", streamId: "st", delta: "x", done: false }, at })).toBe(s);
  });
});
