import { describe, expect, it } from "vitest";
import { newRoomState } from "./model";
import { reduce } from "./reducer";
import { msg, room, roomState, signedIn } from "./testing";

describe("rooms/listed", () => {
  it("adds new rooms with their unread counts", () => {
    const s = signedIn();
    const lobby = room("lobby", { lastSeq: 10, unread: 3 });
    expect(reduce(s, { type: "rooms/listed", rooms: [lobby] })).toEqual(
      signedIn([{ ...newRoomState(lobby), lastSeq: 10, readSeq: 7 }]),
    );
  });

  it("keeps what a known room holds and only moves its counters forward", () => {
    const held = roomState(room("lobby", { lastSeq: 12 }), { lastSeq: 12, readSeq: 11, loaded: true, messages: [msg("lobby", 12)] });
    const s = signedIn([held]);
    const listed = room("lobby", { lastSeq: 10, unread: 5, topic: "new topic" }); // fetched before message 12 arrived
    expect(reduce(s, { type: "rooms/listed", rooms: [listed] })).toEqual(signedIn([{ ...held, room: listed, lastSeq: 12, readSeq: 11 }]));
  });

  it("takes a read cursor the server moved forward (read in another tab)", () => {
    const held = roomState(room("lobby", { lastSeq: 10 }), { lastSeq: 10, readSeq: 4 });
    const listed = room("lobby", { lastSeq: 10, unread: 0 });
    expect(reduce(signedIn([held]), { type: "rooms/listed", rooms: [listed] })).toEqual(signedIn([{ ...held, room: listed, readSeq: 10 }]));
  });

  it("drops the rooms I am no longer in", () => {
    const s = signedIn([roomState(room("lobby")), roomState(room("gone"))]);
    expect(reduce(s, { type: "rooms/listed", rooms: [room("lobby")] })).toEqual(signedIn([roomState(room("lobby"))]));
  });
});

describe("room/opened", () => {
  const unread = roomState(room("news", { lastSeq: 9 }), { lastSeq: 9, readSeq: 6 });
  const read = roomState(room("lobby", { lastSeq: 3 }), { lastSeq: 3, readSeq: 3 });

  it("makes the room active and marks where the unread part starts", () => {
    const s = signedIn([unread, read], { active: "lobby" });
    expect(reduce(s, { type: "room/opened", room: "news" })).toEqual(signedIn([{ ...unread, unreadMarker: 6 }, read], { active: "news" }));
  });

  it("sets no marker in a room read to the end", () => {
    const s = signedIn([unread, read], { active: "news" });
    expect(reduce(s, { type: "room/opened", room: "lobby" })).toEqual({ ...s, chat: { ...s.chat, active: "lobby" } });
  });

  it("leaves the marker of the room already open alone", () => {
    const s = signedIn([{ ...unread, unreadMarker: 2 }], { active: "news" });
    expect(reduce(s, { type: "room/opened", room: "news" })).toBe(s);
  });

  it("ignores a room I am not in", () => {
    const s = signedIn([read], { active: "lobby" });
    expect(reduce(s, { type: "room/opened", room: "nope" })).toBe(s);
  });
});

describe("room/selected", () => {
  it("activates the chosen room like opening it, without touching the UI", () => {
    const news = roomState(room("news", { lastSeq: 5 }), { lastSeq: 5, readSeq: 1 });
    const s = { ...signedIn([news]), ui: { dialog: "browse" as const, sidebarOpen: true, membersOpen: false } };
    const next = reduce(s, { type: "room/selected", room: "news" });
    expect(next).toEqual({ ...s, chat: { ...s.chat, active: "news", rooms: { news: { ...news, unreadMarker: 1 } } } });
    expect(next.ui).toBe(s.ui);
  });

  it("may select nothing (no rooms at all)", () => {
    const s = signedIn([], { active: "gone" });
    expect(reduce(s, { type: "room/selected", room: null })).toEqual(signedIn([], { active: null }));
  });

  it("ignores a room I am not in", () => {
    const s = signedIn([]);
    expect(reduce(s, { type: "room/selected", room: "nope" })).toBe(s);
  });
});

describe("room/read", () => {
  it("moves the read cursor to the newest message", () => {
    const r = roomState(room("lobby", { lastSeq: 8 }), { lastSeq: 8, readSeq: 2 });
    expect(reduce(signedIn([r]), { type: "room/read", room: "lobby" })).toEqual(signedIn([{ ...r, readSeq: 8 }]));
  });

  it("changes nothing in a room read to the end", () => {
    const s = signedIn([roomState(room("lobby", { lastSeq: 8 }), { lastSeq: 8, readSeq: 8 })]);
    expect(reduce(s, { type: "room/read", room: "lobby" })).toBe(s);
  });
});
