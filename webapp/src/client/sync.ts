// Bringing the state up to date with the server: the room list, the room
// to show, history pages, catching up on what was missed (gapfill.ts) and
// member lists. Each answer becomes an action; nothing here decides what
// it does to the state.
import { api } from "../api";
import { ParleyError, isTransient } from "../errors";
import { fillGaps } from "../gapfill";
import { oldestSeq } from "../merge";
import type { Message, Room } from "../types";
import { pickRoom, type Router } from "./routing";
import type { Scope } from "./scope";
import type { Wire } from "./wire";

const MAX_SYNC_ROUNDS = 20;
/** Presence of direct rooms' peers is refreshed for the most recent ones only. */
const DIRECT_PRESENCE_ROOMS = 50;

export interface SyncPorts {
  wire: Pick<Wire, "connected" | "history" | "sync" | "join">;
  router: Pick<Router, "current" | "show">;
  /** My rooms with their unread counts (REST: the socket has no such call). */
  listRooms(token: string): Promise<Room[]>;
  /** After each completed sync, with the room on screen. */
  synced(active: string | null): void;
}

export const listRooms = async (token: string): Promise<Room[]> => (await api.rooms(token)).rooms;

/** How often one message may be fetched again for fresh file links. */
const REFETCH_EVERY_MS = 5 * 60_000;

export class Sync {
  private refetched = new Map<string, number>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private scope: Scope,
    private ports: SyncPorts,
  ) {}

  /** Brings rooms, unread counts and every opened log up to date; safe to call often (calls coalesce). */
  resync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.once();
        } catch (err) {
          if (err instanceof ParleyError && err.code === "UNAUTHORIZED") {
            this.scope.dispatch({ type: "session/rejected" }); // the account or its token is gone
            return;
          }
          if (!(err instanceof ParleyError && isTransient(err.code))) console.warn("sync failed", err);
        }
      } while (this.again && !this.scope.closed);
    })().finally(() => (this.running = null));
    return this.running;
  }

  /** The room's newest page; its log is kept from then on. */
  async loadLatest(room: string): Promise<void> {
    const page = await this.ports.wire.history(room);
    this.scope.dispatch({ type: "history/loaded", room, page });
  }

  /** limit: how many (a jump far back asks for more than a page at once). */
  async loadOlder(room: string, limit?: number): Promise<void> {
    const r = this.scope.get().chat.rooms[room];
    if (!r || !r.loaded || !r.hasMoreBefore || r.loadingOlder || !this.ports.wire.connected) return;
    this.scope.dispatch({ type: "older/requested", room });
    try {
      const page = await this.ports.wire.history(room, oldestSeq(r.messages) || undefined, limit);
      this.scope.dispatch({ type: "older/loaded", room, page });
    } catch {
      this.scope.dispatch({ type: "older/failed", room }); // scrolling up again retries
    }
  }

  /**
   * Fetches one message again (its file URLs signed anew) and replaces the
   * held copy; answers it, or null when it is gone.
   */
  async refetch(room: string, seq: number): Promise<Message | null> {
    // a broken image would ask again with every fresh copy: once in a while per message is enough
    const key = `${room}:${seq}`;
    const now = Date.now();
    if ((this.refetched.get(key) ?? -Infinity) > now - REFETCH_EVERY_MS) return null;
    this.refetched.set(key, now);
    const page = await this.ports.wire.history(room, seq + 1, 1);
    const m = page.messages.find((x) => x.seq === seq) ?? null;
    if (m) this.scope.dispatch({ type: "message/updated", message: m, exact: true });
    return m;
  }

  /** The member list, with everyone's presence (events were missed while the room was closed). */
  async loadMembers(room: string): Promise<void> {
    try {
      this.scope.dispatch({ type: "members/loaded", room, members: await this.ports.wire.join(room) });
    } catch {
      /* shown as an empty member list; retried on the next sync */
    }
  }

  private async once(): Promise<void> {
    const rooms = await this.ports.listRooms(this.scope.get().chat.session?.token ?? "");
    this.scope.dispatch({ type: "rooms/listed", rooms });
    const active = this.selectRoom();
    if (active && !this.scope.get().chat.rooms[active]?.loaded) await this.loadLatest(active);
    await this.catchUp();
    this.ports.synced(active);
    if (active) void this.loadMembers(active);
    void this.loadDirectMembers();
  }

  private selectRoom(): string | null {
    const { chat, config } = this.scope.get();
    const wanted = this.ports.router.current();
    const room = pickRoom(chat.rooms, wanted, chat.active, config?.defaultRoom);
    if (room !== chat.active) this.scope.dispatch({ type: "room/selected", room });
    if (room && wanted !== room) this.ports.router.show(room);
    return room;
  }

  /** Asks `sync` for everything after what each room's log holds, until nothing is missing. */
  private async catchUp(): Promise<void> {
    const complete = await fillGaps(
      {
        logs: () => {
          const out: Record<string, { messages: Message[]; lastSeq: number; rev: number }> = {};
          for (const [id, r] of Object.entries(this.scope.get().chat.rooms)) out[id] = { messages: r.messages, lastSeq: r.loaded ? 0 : r.lastSeq, rev: r.rev };
          return out;
        },
        sync: (cursors, revs) => this.ports.wire.sync(cursors, revs),
        apply: (room, messages, page) => this.scope.dispatch({ type: "sync/page", room, messages, changes: page.changes ?? [], rev: page.rev }),
      },
      MAX_SYNC_ROUNDS,
    );
    if (complete) return;
    // far behind: start the opened logs again from their newest page
    this.scope.dispatch({ type: "sync/overflowed" });
    const active = this.scope.get().chat.active;
    if (active) await this.loadLatest(active);
  }

  /**
   * Direct rooms show their peer from the member list: fetched once for
   * every direct room, and again on every connect for the most recent
   * ones, whose presence dots matter (events were missed while away).
   */
  private async loadDirectMembers(): Promise<void> {
    const direct = Object.values(this.scope.get().chat.rooms)
      .filter((r) => r.room.kind === "direct")
      .sort((a, b) => b.lastSeq - a.lastSeq);
    const due = direct.filter((r, i) => i < DIRECT_PRESENCE_ROOMS || !r.members);
    for (const r of due) {
      if (this.scope.closed) return;
      await this.loadMembers(r.room.id);
    }
  }
}
