import { describe, expect, it } from "vitest";
import type { Quote } from "../types";
import { reduce } from "./reducer";
import { bob, me, msg, room, roomState, signedIn } from "./testing";

const lobby = room("lobby", { lastSeq: 3 });
const root = msg("lobby", 1, { rev: 1 });
const quote: Quote = { id: root.id, seq: 1, sender: bob, text: root.text };
const reply = (seq: number, over = {}) => msg("lobby", seq, { rev: seq, sender: me, replyTo: quote, ...over });
const opened = () => reduce(signedIn([roomState(lobby, { loaded: true, messages: [root] })]), { type: "thread/opened", room: "lobby", id: root.id });

describe("the thread panel", () => {
  it("opens with the root the log holds, then shows the page the server answers", () => {
    let s = opened();
    expect(s.chat.thread).toEqual({ room: "lobby", id: root.id, root, replies: [], hasMore: false, loading: true });
    s = reduce(s, { type: "thread/loaded", room: "lobby", id: root.id, thread: { root, replies: [reply(2)], hasMore: true } });
    expect(s.chat.thread).toEqual({ room: "lobby", id: root.id, root, replies: [reply(2)], hasMore: true, loading: false, error: undefined });
    s = reduce(s, { type: "thread/loaded", room: "lobby", id: root.id, thread: { root, replies: [reply(5)], hasMore: false }, more: true });
    expect(s.chat.thread?.replies).toEqual([reply(2), reply(5)]);
  });

  it("takes in new replies to its root only, and changes to what it shows", () => {
    let s = reduce(opened(), { type: "thread/loaded", room: "lobby", id: root.id, thread: { root, replies: [reply(2)], hasMore: false } });
    s = reduce(s, { type: "message/received", message: msg("lobby", 3) });
    s = reduce(s, { type: "message/received", message: reply(4) });
    s = reduce(s, { type: "send/acked", room: "lobby", message: reply(5) });
    expect(s.chat.thread?.replies.map((m) => m.seq)).toEqual([2, 4, 5]);
    const reacted = { ...root, rev: 9, reactions: [{ emoji: "👀", count: 1, users: ["me"], me: false }] };
    s = reduce(s, { type: "message/updated", message: reacted });
    expect(s.chat.thread?.root?.reactions).toEqual([{ emoji: "👀", count: 1, users: ["me"], me: true }]);
    s = reduce(s, { type: "message/deleted", room: "lobby", id: "lobby-4" });
    expect(s.chat.thread?.replies[1]).toEqual({ ...reply(4), deleted: true, text: "" });
  });

  it("leaves live replies to the next page while the server has more", () => {
    let s = reduce(opened(), { type: "thread/loaded", room: "lobby", id: root.id, thread: { root, replies: [reply(2)], hasMore: true } });
    s = reduce(s, { type: "message/received", message: reply(9) });
    expect(s.chat.thread?.replies.map((m) => m.seq)).toEqual([2]);
  });

  it("ignores a late answer for another thread, and closes when another room opens", () => {
    let s = opened();
    expect(reduce(s, { type: "thread/loaded", room: "lobby", id: "other", thread: { root, replies: [], hasMore: false } })).toBe(s);
    s = reduce(reduce(s, { type: "rooms/listed", rooms: [lobby, room("news")] }), { type: "room/opened", room: "news" });
    expect(s.chat.thread).toBeNull();
  });
});

describe("replying", () => {
  it("keeps the quote on the pending message, and the composer's reply per room", () => {
    let s = signedIn([roomState(lobby, { loaded: true, messages: [root] })]);
    s = reduce(s, { type: "ui/reply", room: "lobby", quote });
    expect(s.ui.replyTo).toEqual({ room: "lobby", quote });
    s = reduce(s, { type: "send/queued", room: "lobby", clientMsgId: "c1", text: "yes", createdAt: "2026-01-01T00:00:00.000Z", replyTo: quote });
    expect(s.chat.rooms.lobby.pending[0].replyTo).toEqual(quote);
    s = reduce(s, { type: "ui/reply", room: "lobby", quote: null });
    expect(s.ui.replyTo).toBeNull();
  });
});

describe("reply counts", () => {
  it("count the replies the log holds to each message, not deleted ones", async () => {
    const { replyCounts } = await import("../components/MessageList");
    expect([...replyCounts([root, reply(2), reply(3, { deleted: true }), reply(4), msg("lobby", 5)])]).toEqual([[root.id, 2]]);
  });
});
