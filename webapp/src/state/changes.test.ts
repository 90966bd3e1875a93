import { describe, expect, it } from "vitest";
import type { Reaction } from "../types";
import { reduce } from "./reducer";
import { bob, me, msg, room, roomState, signedIn } from "./testing";

const lobby = room("lobby", { lastSeq: 3, lastRev: 3 });
const thumbs = (over: Partial<Reaction> = {}): Reaction => ({ emoji: "👍", count: 1, users: ["bob"], me: false, ...over });
const opened = (over = {}) => roomState(lobby, { loaded: true, messages: [msg("lobby", 1, { rev: 1 }), msg("lobby", 2, { rev: 2 }), msg("lobby", 3, { rev: 3 })], ...over });

describe("message/updated", () => {
  it("replaces the held copy by id and leaves the rev alone", () => {
    const r = opened();
    const edited = msg("lobby", 2, { text: "better", rev: 4, editedAt: "2026-01-01T00:01:00.000Z" });
    expect(reduce(signedIn([r]), { type: "message/updated", message: edited })).toEqual(
      signedIn([{ ...r, messages: [r.messages[0], edited, r.messages[2]] }]),
    );
  });

  it("ignores messages not held, and copies older than the held one", () => {
    const s = signedIn([opened()]);
    expect(reduce(s, { type: "message/updated", message: msg("lobby", 9, { rev: 9 }) })).toBe(s);
    expect(reduce(s, { type: "message/updated", message: msg("lobby", 3, { text: "stale", rev: 2 }) })).toBe(s);
    expect(reduce(s, { type: "message/updated", message: msg("elsewhere", 1) })).toBe(s);
  });

  it("works out which reactions are mine: named, settled by a complete list, or kept when the list is cut", () => {
    const ten = Array.from({ length: 10 }, (_, i) => `user${i}`);
    const r = opened({
      messages: [msg("lobby", 1, { rev: 1, reactions: [thumbs({ emoji: "🎉", count: 11, users: ten, me: true }), thumbs({ emoji: "👀", count: 2, users: ["bob", "me"], me: true })] })],
    });
    const update = msg("lobby", 1, {
      rev: 5,
      reactions: [
        thumbs({ emoji: "🎉", count: 12, users: ten }), // cut: still mine
        thumbs({ emoji: "👀", count: 1, users: ["bob"] }), // complete, without me: no longer mine
        thumbs({ emoji: "👍", count: 2, users: ["bob", "me"] }), // names me
      ],
    });
    const s = reduce(signedIn([r]), { type: "message/updated", message: update });
    expect(s.chat.rooms.lobby.messages[0].reactions).toEqual([
      thumbs({ emoji: "🎉", count: 12, users: ten, me: true }),
      thumbs({ emoji: "👀", count: 1, users: ["bob"], me: false }),
      thumbs({ emoji: "👍", count: 2, users: ["bob", "me"], me: true }),
    ]);
  });

  it("takes an ack's reactions as they are", () => {
    const r = opened();
    const acked = msg("lobby", 1, { rev: 6, reactions: [thumbs({ count: 11, users: Array(10).fill("x"), me: true })] });
    const s = reduce(signedIn([r]), { type: "message/updated", message: acked, exact: true });
    expect(s.chat.rooms.lobby.messages[0]).toEqual(acked);
  });

  it("updates the quotes in replies to the changed message", () => {
    const quote = { id: "lobby-1", seq: 1, sender: bob, text: "message 1" };
    const r = opened({ messages: [msg("lobby", 1, { rev: 1 }), msg("lobby", 2, { rev: 2, sender: me, replyTo: quote })] });
    let s = reduce(signedIn([r]), { type: "message/updated", message: msg("lobby", 1, { rev: 3, text: "edited" }) });
    expect(s.chat.rooms.lobby.messages[1].replyTo).toEqual({ ...quote, text: "edited" });
    s = reduce(s, { type: "message/updated", message: msg("lobby", 1, { rev: 4, text: "", deleted: true }) });
    expect(s.chat.rooms.lobby.messages[1].replyTo).toEqual({ ...quote, text: "", deleted: true });
  });
});

describe("sync/page with changes", () => {
  it("adds new messages, replaces the changed ones held, ignores the others, and moves the rev to the answer's", () => {
    const r = opened({ rev: 3 });
    const edited = msg("lobby", 1, { text: "edited while away", rev: 5, editedAt: "2026-01-01T00:02:00.000Z" });
    const tomb = msg("lobby", 2, { text: "", deleted: true, rev: 6 });
    const notHeld = msg("lobby", 0, { rev: 7 });
    const fresh = msg("lobby", 4, { rev: 4 });
    const s = reduce(signedIn([r]), { type: "sync/page", room: "lobby", messages: [fresh], changes: [edited, tomb, notHeld], rev: 7 });
    expect(s).toEqual(signedIn([{ ...r, messages: [edited, tomb, r.messages[2], fresh], lastSeq: 4, rev: 7 }]));
  });

  it("moves the rev of a room whose log is not loaded, holding nothing", () => {
    const r = roomState(lobby, { rev: 3 });
    const s = reduce(signedIn([r]), { type: "sync/page", room: "lobby", messages: [], changes: [msg("lobby", 1, { rev: 4 })], rev: 4 });
    expect(s).toEqual(signedIn([{ ...r, rev: 4 }]));
  });

  it("starts a room's rev at the listed lastRev and keeps it across listings", () => {
    let s = reduce(signedIn(), { type: "rooms/listed", rooms: [lobby] });
    expect(s.chat.rooms.lobby.rev).toBe(3);
    s = reduce(s, { type: "rooms/listed", rooms: [{ ...lobby, lastRev: 9 }] });
    expect(s.chat.rooms.lobby.rev).toBe(3);
  });
});
