import { describe, expect, it } from "vitest";
import { ParleyError } from "../errors";
import { reduce } from "../state/reducer";
import { bob, me, msg, room, signedIn } from "../state/testing";
import { createStore } from "../store";
import type { Room, SyncRoom } from "../types";
import { openScope } from "./scope";
import { Sync } from "./sync";

type HistoryFn = (room: string, before?: number, limit?: number) => SyncRoom | undefined;

function setup(opts: { rooms: Room[]; hash?: string; history?: Record<string, SyncRoom> | HistoryFn; sync?: Array<Record<string, SyncRoom>>; listError?: ParleyError }) {
  const store = createStore(reduce, { ...signedIn(), config: { assistant: "helper", defaultRoom: "lobby" } });
  let hash = opts.hash ?? "";
  const syncAnswers = [...(opts.sync ?? [])];
  const joined: string[] = [];
  const syncCalls: Array<{ cursors: Record<string, number>; revs: Record<string, number> }> = [];
  const synced: Array<string | null> = [];
  let lists = 0;
  const sync = new Sync(openScope(store), {
    wire: {
      connected: true,
      history: async (r, before, limit) =>
        (typeof opts.history === "function" ? opts.history(r, before, limit) : opts.history?.[r]) ?? { messages: [], hasMore: false },
      sync: async (cursors, revs = {}) => {
        syncCalls.push({ cursors, revs });
        return syncAnswers.shift() ?? {};
      },
      join: async (r) => {
        joined.push(r);
        return [me, bob];
      },
    },
    router: { current: () => hash, show: (r) => void (hash = r) },
    listRooms: async () => {
      lists++;
      if (opts.listError) throw opts.listError;
      return opts.rooms;
    },
    synced: (active) => synced.push(active),
  });
  return { store, sync, joined, synced, syncCalls, hash: () => hash, lists: () => lists };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("Sync", () => {
  it("lists the rooms, opens the default room, loads its newest page and its members", async () => {
    const { store, sync, joined, synced, hash } = setup({
      rooms: [room("news", { lastSeq: 0 }), room("lobby", { lastSeq: 2 })],
      history: { lobby: { messages: [msg("lobby", 1), msg("lobby", 2)], hasMore: false } },
    });
    await sync.resync();
    await settle();
    const s = store.get().chat;
    expect(s.active).toBe("lobby");
    expect(s.rooms.lobby.loaded).toBe(true);
    expect(s.rooms.lobby.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.rooms.lobby.members).toEqual([me, bob]);
    expect(hash()).toBe("lobby");
    expect(synced).toEqual(["lobby"]);
    expect(joined).toEqual(["lobby"]);
  });

  it("opens the room the URL names", async () => {
    const { store, sync } = setup({ rooms: [room("news"), room("lobby")], hash: "news" });
    await sync.resync();
    expect(store.get().chat.active).toBe("news");
  });

  it("applies what sync answers until nothing more is missing", async () => {
    const { store, sync } = setup({
      rooms: [room("lobby", { lastSeq: 1 })],
      history: { lobby: { messages: [msg("lobby", 1)], hasMore: false } },
      sync: [{ lobby: { messages: [msg("lobby", 2)], hasMore: true } }, { lobby: { messages: [msg("lobby", 3)], hasMore: false } }],
    });
    await sync.resync();
    expect(store.get().chat.rooms.lobby.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("sends every room's rev, applies the changes to held messages and sends the answer's rev next time", async () => {
    const { store, sync, syncCalls } = setup({
      rooms: [room("lobby", { lastSeq: 2, lastRev: 2 }), room("news", { lastSeq: 5, lastRev: 8 })],
      history: { lobby: { messages: [msg("lobby", 1, { rev: 1 }), msg("lobby", 2, { rev: 2 })], hasMore: false } },
      sync: [
        {
          lobby: { messages: [], changes: [msg("lobby", 1, { text: "edited", rev: 3 })], hasMore: true, rev: 3 },
          news: { messages: [], changes: [], hasMore: false, rev: 8 },
        },
        { lobby: { messages: [], changes: [msg("lobby", 2, { text: "", deleted: true, rev: 4 })], hasMore: false, rev: 4 }, news: { messages: [], hasMore: false, rev: 8 } },
      ],
    });
    await sync.resync();
    expect(syncCalls).toEqual([
      { cursors: { lobby: 2, news: 5 }, revs: { lobby: 2, news: 8 } },
      { cursors: { lobby: 2, news: 5 }, revs: { lobby: 3, news: 8 } },
    ]);
    const lobby = store.get().chat.rooms.lobby;
    expect(lobby.messages.map((m) => [m.text, m.rev])).toEqual([
      ["edited", 3],
      ["", 4],
    ]);
    expect(lobby.rev).toBe(4);
    await sync.resync();
    expect(syncCalls[2].revs).toEqual({ lobby: 4, news: 8 });
  });

  it("loads every direct room's members once, to name its peer", async () => {
    const { store, sync, joined } = setup({ rooms: [room("lobby"), room("d1", { kind: "direct", name: "opaque" })] });
    await sync.resync();
    await settle();
    expect(joined.sort()).toEqual(["d1", "lobby"]);
    expect(store.get().chat.rooms.d1.members).toEqual([me, bob]);
  });

  it("signs out when the server no longer knows the token", async () => {
    const { store, sync } = setup({ rooms: [], listError: new ParleyError("UNAUTHORIZED", "token expired") });
    await sync.resync();
    expect(store.get().chat.session).toBeNull();
  });

  it("coalesces calls made while one runs into one more round", async () => {
    const { sync, lists } = setup({ rooms: [room("lobby")] });
    await Promise.all([sync.resync(), sync.resync(), sync.resync()]);
    expect(lists()).toBe(2);
  });
});

describe("Sync.refetch", () => {
  it("asks history for exactly that message and replaces the held copy, whose file links were stale", async () => {
    const file = { id: "f", room: "lobby", name: "a.png", size: 1, contentType: "image/png", url: "/api/files/f?exp=1&sig=old" };
    const fresh = msg("lobby", 2, { attachments: [{ ...file, url: "/api/files/f?exp=9999999999&sig=new" }] });
    const calls: Array<[string, number | undefined, number | undefined]> = [];
    const { store, sync } = setup({
      rooms: [room("lobby")],
      history: (r, before, limit) => {
        calls.push([r, before, limit]);
        return before ? { messages: [fresh], hasMore: true } : { messages: [msg("lobby", 1), msg("lobby", 2, { attachments: [file] })], hasMore: false };
      },
    });
    await sync.resync();
    expect(await sync.refetch("lobby", 2)).toEqual(fresh);
    expect(calls.slice(1)).toEqual([["lobby", 3, 1]]);
    expect(store.get().chat.rooms.lobby.messages.map((m) => m.attachments?.[0].url)).toEqual([undefined, "/api/files/f?exp=9999999999&sig=new"]);
    // an image that keeps failing does not ask again and again
    expect(await sync.refetch("lobby", 2)).toBeNull();
    expect(calls.length).toBe(2);
  });
});
