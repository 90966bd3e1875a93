// One signed-in session's effects wired together: the socket, syncing,
// sending, read cursors, typing, the URL and the browser. Started on
// sign-in (or on load with a stored session), stopped on sign-out; its
// scope drops whatever its late answers dispatch after that.
import { api } from "../api";
import type { NotifyLevel, Room, SearchPage } from "../types";
import { uploadFile } from "../upload";
import { loadConfig } from "./config";
import { pageVisible, watchBrowser } from "./lifecycle";
import { Outbox } from "./outbox";
import { ReadCursors } from "./reads";
import { router } from "./routing";
import { openScope, type AppStore } from "./scope";
import { Sync, listRooms } from "./sync";
import { TypingSignal } from "./typing";
import { Uploads } from "./uploads";
import { Wire } from "./wire";

/** How many pages of history a jump to a quoted message may load. */
const MAX_REVEAL_PAGES = 20;
/** The most `history` serves at once (docs/protocol.md §5.8). */
const MAX_HISTORY_LIMIT = 100;
/** Messages loaded before the one jumped to, so it shows with what led to it. */
const REVEAL_CONTEXT = 10;

export class Live {
  readonly scope: ReturnType<typeof openScope>;
  readonly wire = new Wire();
  readonly reads: ReadCursors;
  readonly outbox: Outbox;
  readonly sync: Sync;
  readonly typing: TypingSignal;
  readonly uploads: Uploads;
  private stops: Array<() => void> = [];

  constructor(store: AppStore) {
    const scope = (this.scope = openScope(store));
    const wire = this.wire;
    this.reads = new ReadCursors(scope, wire, pageVisible);
    this.outbox = new Outbox(scope, wire);
    this.typing = new TypingSignal(wire);
    this.uploads = new Uploads(scope, uploadFile);
    this.sync = new Sync(scope, {
      wire,
      router,
      listRooms,
      synced: (active) => {
        this.outbox.resendAll();
        if (active) this.reads.mark(active);
      },
    });
    this.stops.push(
      watchBrowser({
        offline: () => {
          wire.pause();
          scope.dispatch({ type: "socket/disconnected" });
        },
        online: () => wire.resume(),
        shown: () => this.markActiveRead(),
        leaving: () => this.reads.flush(),
        tick: (now) => scope.dispatch({ type: "typing/expired", now }),
      }),
      router.listen((room) => {
        if (room !== scope.get().chat.active) this.openRoom(room);
      }),
    );
    scope.dispatch({ type: "socket/connecting" });
    void loadConfig(scope).then((ok) => {
      if (ok) wire.open(() => scope.get().chat.session?.token ?? "", scope.dispatch);
    });
  }

  stop(): void {
    this.scope.close();
    this.wire.close();
    for (const f of this.stops) f();
    this.reads.cancel();
    this.outbox.cancel();
    this.typing.reset();
    this.uploads.cancel();
  }

  openRoom(id: string): void {
    if (!this.scope.get().chat.rooms[id]) return;
    this.reads.flush(); // the room being left
    this.scope.dispatch({ type: "room/opened", room: id });
    router.show(id);
    if (this.wire.connected) {
      if (!this.scope.get().chat.rooms[id].loaded) void this.sync.loadLatest(id).then(() => this.reads.mark(id)).catch(() => undefined);
      void this.sync.loadMembers(id); // presence may have moved while it was closed
    }
    this.reads.mark(id);
  }

  async joinRoom(id: string): Promise<void> {
    await this.wire.join(id);
    await this.sync.resync();
    this.openRoom(id);
  }

  async createRoom(name: string, topic: string, isPrivate: boolean): Promise<void> {
    const { room } = await api.createRoom(this.token(), name, topic, isPrivate);
    await this.sync.resync();
    this.openRoom(room.id);
  }

  async openDirect(username: string): Promise<void> {
    const room = await this.wire.openDirect(username.trim().replace(/^@/, "").toLowerCase());
    await this.sync.resync();
    this.openRoom(room.id);
  }

  async publicRooms(): Promise<Room[]> {
    return (await api.publicRooms(this.token())).rooms;
  }

  async setNotify(room: string, level: NotifyLevel): Promise<void> {
    await this.wire.notify(room, level);
    this.scope.dispatch({ type: "room/notify", room, level });
  }

  async updateRoom(room: string, fields: { name?: string; topic?: string }): Promise<void> {
    const updated = await this.wire.updateRoom(room, fields);
    this.scope.dispatch({ type: "room/updated", room: updated });
  }

  async leaveRoom(room: string): Promise<void> {
    await this.wire.leave(room);
    await this.sync.resync();
  }

  async searchPeople(q: string, limit: number) {
    return (await api.searchUsers(this.token(), q, limit)).users;
  }

  async deleteMessage(room: string, id: string): Promise<void> {
    await this.wire.deleteMessage(room, id);
    this.scope.dispatch({ type: "message/deleted", room, id });
  }

  async editMessage(room: string, id: string, text: string): Promise<void> {
    const message = await this.wire.edit(room, id, text);
    this.scope.dispatch({ type: "message/updated", message, exact: true });
  }

  async react(room: string, id: string, emoji: string, add: boolean): Promise<void> {
    const message = await this.wire.react(room, id, emoji, add);
    this.scope.dispatch({ type: "message/updated", message, exact: true });
  }

  async openThread(room: string, id: string): Promise<void> {
    this.scope.dispatch({ type: "thread/opened", room, id });
    try {
      this.scope.dispatch({ type: "thread/loaded", room, id, thread: await this.wire.thread(room, id) });
    } catch (err) {
      this.scope.dispatch({ type: "thread/failed", room, id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async moreReplies(): Promise<void> {
    const t = this.scope.get().chat.thread;
    if (!t || t.loading || !t.hasMore) return;
    const after = t.replies.length ? t.replies[t.replies.length - 1].seq : 0;
    try {
      this.scope.dispatch({ type: "thread/loaded", room: t.room, id: t.id, thread: await this.wire.thread(t.room, t.id, after), more: true });
    } catch (err) {
      this.scope.dispatch({ type: "thread/failed", room: t.room, id: t.id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Brings a message of the room into its log, paging back through history
   * (a bounded number of pages), and highlights it; false when it is not
   * there (deleted for good, or too far back).
   */
  async reveal(room: string, id: string, seq: number): Promise<boolean> {
    for (let page = 0; page <= MAX_REVEAL_PAGES; page++) {
      const r = this.scope.get().chat.rooms[room];
      if (!r || !r.loaded) return false;
      if (r.messages.some((m) => m.id === id)) {
        this.scope.dispatch({ type: "ui/highlight", message: { room, id } });
        return true;
      }
      const oldest = r.messages.length ? r.messages[0].seq : 0;
      if (!r.hasMoreBefore || (oldest && oldest <= seq) || page === MAX_REVEAL_PAGES) return false;
      if (r.loadingOlder) await new Promise((done) => setTimeout(done, 100));
      // far back: as many as reach it at once, keeping the log without holes
      else await this.sync.loadOlder(room, Math.min(MAX_HISTORY_LIMIT, Math.max(50, oldest - seq + REVEAL_CONTEXT)));
    }
    return false;
  }

  /** A search result: opens its room at the message, highlighted; false when it cannot be shown. */
  async jumpTo(room: string, id: string, seq: number): Promise<boolean> {
    if (!this.scope.get().chat.rooms[room]) return false;
    if (this.scope.get().chat.active !== room) this.openRoom(room);
    if (!this.scope.get().chat.rooms[room].loaded) {
      if (!this.wire.connected) return false;
      await this.sync.loadLatest(room);
    }
    return this.reveal(room, id, seq);
  }

  async search(q: string, opts: { room?: string; before?: string; limit?: number }): Promise<SearchPage> {
    return api.search(this.token(), q, opts);
  }

  markActiveRead(): void {
    const id = this.scope.get().chat.active;
    if (id) this.reads.mark(id);
  }

  private token(): string {
    return this.scope.get().chat.session?.token ?? "";
  }
}
