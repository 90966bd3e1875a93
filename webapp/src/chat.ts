// The chat client: keeps the store in step with the server over REST and
// Socket.IO — rooms, logs, gap filling on (re)connect, optimistic sends
// with safe retries, read cursors, typing and presence.
import type { Socket } from "socket.io-client";
import { api, type Session } from "./api";
import { ParleyError, isTransient } from "./errors";
import { newClientMsgId } from "./ids";
import { fillGaps } from "./gapfill";
import { leavesGap, mergeMessages, newestSeq, oldestSeq, settlePending, type PendingMessage } from "./merge";
import { clearSession, saveSession } from "./session";
import { call, openSocket } from "./socket";
import { initialState, newRoomState, withRoom, type AppState, type RoomState } from "./state";
import { createStore, type Store } from "./store";
import { applyDelta, endStreams } from "./streams";
import type { Message, Page, Room, StreamDelta, User } from "./types";

const PAGE = 50;
const MAX_SYNC_ROUNDS = 20;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const TYPING_SHOWN_MS = 6000;
const TYPING_RESEND_MS = 3000;

export class ChatClient {
  readonly store: Store<AppState>;
  private socket: Socket | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private readTimers = new Map<string, number>();
  private typingSent = new Map<string, number>();
  private timers: number[] = [];

  constructor(session: Session | null) {
    this.store = createStore(initialState(session));
  }

  get state(): AppState {
    return this.store.get();
  }

  private get me(): User {
    return this.state.session!.user;
  }

  private get token(): string {
    return this.state.session?.token ?? "";
  }

  // ------------------------------------------------------------ session

  async signIn(mode: "login" | "register", username: string, password: string, displayName?: string): Promise<void> {
    const session = mode === "login" ? await api.login(username, password) : await api.register(username, password, displayName);
    saveSession(session);
    this.store.update(() => initialState(session));
    this.start();
  }

  logout(): void {
    this.stop();
    clearSession();
    this.store.update(() => initialState(null));
    history.replaceState(null, "", location.pathname);
  }

  start(): void {
    if (!this.state.session || this.socket) return;
    const socket = openSocket(() => this.token);
    this.socket = socket;
    this.store.update((s) => ({ ...s, connection: "connecting" }));
    socket.on("connect", () => {
      this.store.update((s) => ({ ...s, connection: "online" }));
      void this.resync();
    });
    socket.on("disconnect", () => this.store.update((s) => ({ ...s, connection: "reconnecting" })));
    socket.on("connect_error", (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code === "UNAUTHORIZED" || err.message === "unauthorized") {
        this.logout();
        return;
      }
      this.store.update((s) => ({ ...s, connection: s.connection === "connecting" ? "connecting" : "reconnecting" }));
    });
    socket.on("message", (m: Message) => this.onMessage(m));
    socket.on("message:stream", (d: StreamDelta) => this.onStream(d));
    socket.on("message:deleted", (d: { room: string; id: string; seq: number }) => this.onDeleted(d));
    socket.on("typing", (e: { room: string; user: User; typing: boolean }) => this.onTyping(e));
    socket.on("presence", (e: { user: User; online: boolean }) => this.onPresence(e));
    socket.on("room:member", (e: { room: string; user: User; action: string }) => this.onMember(e));
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
    document.addEventListener("visibilitychange", this.onVisible);
    window.addEventListener("focus", this.onVisible);
    window.addEventListener("pagehide", this.onPageHide);
    this.timers.push(window.setInterval(() => this.expireTyping(), 1000));
  }

  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("focus", this.onVisible);
    window.removeEventListener("pagehide", this.onPageHide);
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const t of this.readTimers.values()) clearTimeout(t);
    this.readTimers.clear();
    this.typingSent.clear();
  }

  // The browser knows the network is gone before any heartbeat does: show
  // it at once, and reconnect (then sync) as soon as it is back.
  private onOffline = () => {
    this.socket?.disconnect();
    this.store.update((s) => ({ ...s, connection: "reconnecting" }));
  };

  private onOnline = () => {
    if (this.socket && !this.socket.connected) this.socket.connect();
  };

  private onPageHide = () => this.flushReads();

  private onVisible = () => {
    const id = this.state.active;
    if (id) this.markRead(id);
  };

  // ------------------------------------------------------------ sync

  /** Brings rooms, unread counts and every opened log up to date; safe to call often. */
  resync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          await this.syncOnce();
        } catch (err) {
          if (err instanceof ParleyError && err.code === "UNAUTHORIZED") {
            this.logout(); // the account or its token is gone
            return;
          }
          if (!(err instanceof ParleyError && isTransient(err.code))) console.warn("sync failed", err);
        }
      } while (this.syncAgain);
    })().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const { rooms } = await api.rooms(this.token);
    this.applyRoomList(rooms);
    const active = this.pickActive();
    if (active && !this.state.rooms[active].loaded) await this.loadLatest(active);
    await this.fillGaps();
    this.resendPending();
    if (active) {
      void this.loadMembers(active);
      this.markRead(active);
    }
    void this.loadDirectPresence();
  }

  private applyRoomList(list: Room[]): void {
    this.store.update((s) => {
      const rooms: Record<string, RoomState> = {};
      for (const room of list) {
        const prev = s.rooms[room.id];
        if (!prev) {
          rooms[room.id] = newRoomState(room);
          continue;
        }
        const readSeq = Math.max(prev.readSeq, room.lastSeq - (room.unread ?? 0));
        rooms[room.id] = { ...prev, room, lastSeq: Math.max(prev.lastSeq, room.lastSeq), readSeq };
      }
      return { ...s, rooms };
    });
  }

  private pickActive(): string | null {
    const s = this.state;
    const wanted = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
    const id = [wanted, s.active, "general", Object.keys(s.rooms)[0]].find((x) => x && s.rooms[x]) ?? null;
    if (id !== s.active) {
      this.store.update((st) => ({ ...st, active: id }));
      if (id) this.store.update((st) => withRoom(st, id, (r) => ({ ...r, unreadMarker: r.lastSeq > r.readSeq ? r.readSeq : null })));
    }
    if (id && wanted !== id) history.replaceState(null, "", `#${encodeURIComponent(id)}`);
    return id;
  }

  /** Asks `sync` for everything after what each room's log holds, until nothing is missing. */
  private async fillGaps(): Promise<void> {
    const complete = await fillGaps(
      {
        logs: () => {
          const out: Record<string, { messages: Message[]; lastSeq: number }> = {};
          for (const [id, r] of Object.entries(this.state.rooms)) out[id] = { messages: r.messages, lastSeq: r.loaded ? 0 : r.lastSeq };
          return out;
        },
        sync: async (cursors) => (await call<{ rooms: Record<string, Page> }>(this.socket!, "sync", { cursors })).rooms,
        apply: (id, messages) => this.applyMessages(id, messages),
      },
      MAX_SYNC_ROUNDS,
    );
    if (complete) return;
    // Far behind: start the opened logs again from their newest page.
    for (const [id, r] of Object.entries(this.state.rooms)) {
      if (r.loaded) {
        this.store.update((s) => withRoom(s, id, (x) => ({ ...x, messages: [], loaded: false })));
        if (id === this.state.active) await this.loadLatest(id);
      }
    }
  }

  private async loadLatest(id: string): Promise<void> {
    const page = await call<Page>(this.socket!, "history", { room: id, limit: PAGE });
    this.store.update((s) =>
      withRoom(s, id, (r) => ({
        ...r,
        loaded: true,
        hasMoreBefore: page.hasMore,
        messages: mergeMessages(r.messages, page.messages),
        lastSeq: Math.max(r.lastSeq, newestSeq(page.messages)),
        pending: settlePending(r.pending, page.messages, this.me.id),
      })),
    );
    // A message that arrived while the page was on its way was not kept
    // (the log was not open yet): fetch what the page does not reach.
    const r = this.state.rooms[id];
    if (r && r.lastSeq > newestSeq(r.messages)) void this.resync();
  }

  async loadOlder(id: string): Promise<void> {
    const r = this.state.rooms[id];
    if (!r || !r.loaded || !r.hasMoreBefore || r.loadingOlder || !this.socket?.connected) return;
    this.store.update((s) => withRoom(s, id, (x) => ({ ...x, loadingOlder: true })));
    try {
      const before = oldestSeq(r.messages);
      const page = await call<Page>(this.socket, "history", before ? { room: id, before, limit: PAGE } : { room: id, limit: PAGE });
      this.store.update((s) =>
        withRoom(s, id, (x) => ({ ...x, hasMoreBefore: page.hasMore, messages: mergeMessages(x.messages, page.messages) })),
      );
    } finally {
      this.store.update((s) => withRoom(s, id, (x) => ({ ...x, loadingOlder: false })));
    }
  }

  /** Adds confirmed messages to a room: into its log when opened, else only its counters. */
  private applyMessages(id: string, messages: Message[]): void {
    if (messages.length === 0) return;
    const myId = this.me.id;
    this.store.update((s) =>
      withRoom(s, id, (r) => {
        const newest = newestSeq(messages);
        const mine = messages.filter((m) => m.sender.id === myId).reduce((n, m) => Math.max(n, m.seq), 0);
        const streams = endStreams(r.streams, messages);
        return {
          ...r,
          messages: r.loaded ? mergeMessages(r.messages, messages) : r.messages,
          lastSeq: Math.max(r.lastSeq, newest),
          readSeq: Math.max(r.readSeq, mine), // what I sent I have read
          pending: settlePending(r.pending, messages, myId),
          streams,
        };
      }),
    );
  }

  // ------------------------------------------------------------ live events

  private onMessage(m: Message): void {
    const r = this.state.rooms[m.room];
    if (!r) {
      void this.resync(); // a room I was just added to (a DM, an invite)
      return;
    }
    const gap = r.loaded && leavesGap(r.messages, m.seq);
    this.applyMessages(m.room, [m]);
    this.store.update((s) =>
      withRoom(s, m.room, (x) => {
        if (!x.typing[m.sender.id]) return x;
        const typing = { ...x.typing };
        delete typing[m.sender.id];
        return { ...x, typing };
      }),
    );
    if (gap) void this.resync();
    if (m.room === this.state.active) this.markRead(m.room);
  }

  private onStream(d: StreamDelta): void {
    if (!d || !d.streamId || !this.state.rooms[d.room]) return;
    this.store.update((s) =>
      withRoom(s, d.room, (r) => {
        const bot = r.members?.find((u) => u.kind === "bot") ?? null;
        const streams = applyDelta(r.streams, d, r.messages, bot, new Date().toISOString());
        return streams === r.streams ? r : { ...r, streams };
      }),
    );
  }

  private onDeleted(d: { room: string; id: string; seq: number }): void {
    this.store.update((s) =>
      withRoom(s, d.room, (r) => ({
        ...r,
        messages: r.messages.map((m) => (m.id === d.id ? { ...m, deleted: true, text: "" } : m)),
      })),
    );
  }

  private onTyping(e: { room: string; user: User; typing: boolean }): void {
    if (!e?.user || e.user.id === this.state.session?.user.id) return;
    this.store.update((s) =>
      withRoom(s, e.room, (r) => {
        const typing = { ...r.typing };
        if (e.typing) typing[e.user.id] = { user: e.user, until: Date.now() + TYPING_SHOWN_MS };
        else if (typing[e.user.id]) delete typing[e.user.id];
        else return r;
        return { ...r, typing };
      }),
    );
  }

  private expireTyping(): void {
    const now = Date.now();
    this.store.update((s) => {
      let next = s;
      for (const [id, r] of Object.entries(s.rooms)) {
        const stale = Object.entries(r.typing).filter(([, v]) => v.until <= now);
        if (stale.length === 0) continue;
        const typing = { ...r.typing };
        for (const [k] of stale) delete typing[k];
        next = withRoom(next, id, (x) => ({ ...x, typing }));
      }
      return next;
    });
  }

  private onPresence(e: { user: User; online: boolean }): void {
    if (!e?.user) return;
    this.store.update((s) => (s.presence[e.user.id] === e.online ? s : { ...s, presence: { ...s.presence, [e.user.id]: e.online } }));
  }

  private onMember(e: { room: string; user: User; action: string }): void {
    if (!e?.user) return;
    if (e.user.id === this.state.session?.user.id) {
      void this.resync();
      return;
    }
    this.store.update((s) =>
      withRoom(s, e.room, (r) => {
        if (!r.members) return r;
        const others = r.members.filter((u) => u.id !== e.user.id);
        return { ...r, members: e.action === "joined" ? [...others, e.user] : others };
      }),
    );
  }

  // ------------------------------------------------------------ rooms

  openRoom(id: string): void {
    if (!this.state.rooms[id]) return;
    this.flushReads();
    const wasActive = this.state.active === id;
    this.store.update((s) => ({ ...s, active: id, sidebarOpen: false, dialog: null }));
    if (!wasActive) this.store.update((s) => withRoom(s, id, (r) => ({ ...r, unreadMarker: r.lastSeq > r.readSeq ? r.readSeq : null })));
    history.replaceState(null, "", `#${encodeURIComponent(id)}`);
    const r = this.state.rooms[id];
    if (this.socket?.connected) {
      if (!r.loaded) void this.loadLatest(id).then(() => this.markRead(id)).catch(() => undefined);
      void this.loadMembers(id); // presence may have moved while it was closed
    }
    this.markRead(id);
  }

  private async loadMembers(id: string): Promise<void> {
    try {
      const ack = await call<{ members: User[] }>(this.socket!, "room:join", { room: id });
      const presence: Record<string, boolean> = {};
      for (const u of ack.members) presence[u.id] = !!u.online;
      this.store.update((s) => withRoom({ ...s, presence: { ...s.presence, ...presence } }, id, (r) => ({ ...r, members: ack.members })));
    } catch {
      /* shown as an empty member list; retried on the next sync */
    }
  }

  /** Presence dots of direct rooms come from their member lists (refreshed on every connect: events were missed while away). */
  private async loadDirectPresence(): Promise<void> {
    const ids = Object.values(this.state.rooms)
      .filter((r) => r.room.kind === "direct")
      .sort((a, b) => b.lastSeq - a.lastSeq)
      .slice(0, 50)
      .map((r) => r.room.id);
    for (const id of ids) await this.loadMembers(id);
  }

  async joinRoom(room: Room): Promise<void> {
    await call(this.socket!, "room:join", { room: room.id });
    await this.resync();
    this.openRoom(room.id);
  }

  async createRoom(name: string, topic: string, isPrivate: boolean): Promise<void> {
    const { room } = await api.createRoom(this.token, name, topic, isPrivate);
    await this.resync();
    this.openRoom(room.id);
  }

  async openDirect(username: string): Promise<void> {
    const ack = await call<{ room: Room }>(this.socket!, "dm:open", { user: username.trim().replace(/^@/, "").toLowerCase() });
    await this.resync();
    this.openRoom(ack.room.id);
  }

  async publicRooms(): Promise<Room[]> {
    return (await api.publicRooms(this.token)).rooms;
  }

  // ------------------------------------------------------------ reading

  /** Advances the read cursor of a room on screen (debounced). */
  markRead(id: string): void {
    if (document.visibilityState === "hidden") return;
    const r = this.state.rooms[id];
    if (!r || r.lastSeq <= r.readSeq) return;
    const seq = r.lastSeq;
    this.store.update((s) => withRoom(s, id, (x) => ({ ...x, readSeq: Math.max(x.readSeq, seq) })));
    clearTimeout(this.readTimers.get(id));
    this.readTimers.set(
      id,
      window.setTimeout(() => {
        this.readTimers.delete(id);
        if (this.socket?.connected) void call(this.socket, "read", { room: id, seq: this.state.rooms[id]?.readSeq ?? seq }).catch(() => undefined);
      }, 250),
    );
  }

  /** Sends the debounced read cursors now (leaving a room, the page going away). */
  private flushReads(): void {
    for (const [id, timer] of this.readTimers) {
      clearTimeout(timer);
      this.readTimers.delete(id);
      const seq = this.state.rooms[id]?.readSeq;
      if (seq && this.socket?.connected) void call(this.socket, "read", { room: id, seq }).catch(() => undefined);
    }
  }

  // ------------------------------------------------------------ sending

  send(roomId: string, text: string): void {
    const body = text.trim();
    if (!body) return;
    const p: PendingMessage = {
      clientMsgId: newClientMsgId(),
      room: roomId,
      text: body,
      createdAt: new Date().toISOString(),
      status: "sending",
      attempts: 0,
    };
    this.store.update((s) => withRoom(s, roomId, (r) => ({ ...r, pending: [...r.pending, p] })));
    this.setTyping(roomId, false);
    void this.attempt(roomId, p.clientMsgId);
  }

  retry(roomId: string, clientMsgId: string): void {
    this.patchPending(roomId, clientMsgId, { status: "sending", error: undefined, attempts: 0 });
    void this.attempt(roomId, clientMsgId);
  }

  discard(roomId: string, clientMsgId: string): void {
    this.store.update((s) => withRoom(s, roomId, (r) => ({ ...r, pending: r.pending.filter((p) => p.clientMsgId !== clientMsgId) })));
  }

  private pendingOf(roomId: string, clientMsgId: string): PendingMessage | undefined {
    return this.state.rooms[roomId]?.pending.find((p) => p.clientMsgId === clientMsgId);
  }

  private patchPending(roomId: string, clientMsgId: string, patch: Partial<PendingMessage>): void {
    this.store.update((s) =>
      withRoom(s, roomId, (r) => ({ ...r, pending: r.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)) })),
    );
  }

  private inFlight = new Set<string>();

  /**
   * One delivery attempt. Every retry reuses the clientMsgId, so a send
   * whose ack was lost is answered with the stored original, never stored
   * twice. Lost connections and timeouts retry on their own; an answer
   * from the server (rate limited, too large...) is shown for a manual retry.
   */
  private async attempt(roomId: string, clientMsgId: string): Promise<void> {
    const p = this.pendingOf(roomId, clientMsgId);
    if (!p || p.status !== "sending" || this.inFlight.has(clientMsgId)) return;
    if (!this.socket?.connected) return; // resendPending runs on connect
    this.inFlight.add(clientMsgId);
    this.patchPending(roomId, clientMsgId, { attempts: p.attempts + 1 });
    try {
      const ack = await call<{ message: Message }>(this.socket, "message:send", { room: roomId, text: p.text, clientMsgId }, 10_000);
      this.applyMessages(roomId, [ack.message]);
      if (roomId === this.state.active) this.markRead(roomId);
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError("INTERNAL", String(err));
      if (isTransient(e.code) && p.attempts + 1 < RETRY_DELAYS_MS.length) {
        const delay = RETRY_DELAYS_MS[p.attempts];
        window.setTimeout(() => void this.attempt(roomId, clientMsgId), delay);
      } else if (e.code === "OFFLINE") {
        /* waits for the connection; resendPending picks it up */
      } else {
        this.patchPending(roomId, clientMsgId, { status: "failed", error: { code: e.code, message: e.message } });
      }
    } finally {
      this.inFlight.delete(clientMsgId);
    }
  }

  private resendPending(): void {
    for (const r of Object.values(this.state.rooms)) {
      for (const p of r.pending) if (p.status === "sending") void this.attempt(r.room.id, p.clientMsgId);
    }
  }

  /** Deletes a message (mine, or any as a room owner/admin); every member sees a tombstone. */
  async deleteMessage(roomId: string, id: string): Promise<void> {
    if (!this.socket?.connected) throw new ParleyError("OFFLINE", "not connected");
    await call(this.socket, "message:delete", { room: roomId, id });
    this.onDeleted({ room: roomId, id, seq: 0 });
  }

  // ------------------------------------------------------------ typing

  setTyping(roomId: string, typing: boolean): void {
    if (!this.socket?.connected) return;
    const last = this.typingSent.get(roomId) ?? 0;
    if (typing && Date.now() - last < TYPING_RESEND_MS) return;
    if (!typing && last === 0) return;
    this.typingSent.set(roomId, typing ? Date.now() : 0);
    void call(this.socket, "typing", { room: roomId, typing }).catch(() => undefined);
  }

  // ------------------------------------------------------------ ui

  setDialog(dialog: AppState["dialog"]): void {
    this.store.update((s) => ({ ...s, dialog, sidebarOpen: dialog ? false : s.sidebarOpen }));
  }

  toggleSidebar(open?: boolean): void {
    this.store.update((s) => ({ ...s, sidebarOpen: open ?? !s.sidebarOpen }));
  }

  toggleMembers(open?: boolean): void {
    this.store.update((s) => ({ ...s, membersOpen: open ?? !s.membersOpen }));
  }
}
