// The socket: opening and closing it, and the ack'd requests of docs/protocol.md §7,
// each answering its payload (or throwing a ParleyError).
import type { Socket } from "socket.io-client";
import { ParleyError } from "../errors";
import { call, openSocket } from "../socket";
import type { Action } from "../state/actions";
import type { Message, NotifyLevel, Page, Room, SyncRoom, Thread, User } from "../types";
import { bindEvents } from "./events";

const PAGE = 50;

export class Wire {
  private socket: Socket | null = null;

  open(token: () => string, dispatch: (a: Action) => void): void {
    this.close();
    this.socket = openSocket(token);
    bindEvents(this.socket, dispatch);
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  get connected(): boolean {
    return !!this.socket?.connected;
  }

  /** Drops the connection now (the browser knows the network is gone before any heartbeat does). */
  pause(): void {
    this.socket?.disconnect();
  }

  /** Connects again after pause(); Socket.IO does not after a disconnect() of ours. */
  resume(): void {
    if (this.socket && !this.socket.connected) this.socket.connect();
  }

  /** limit: more than a page when a jump needs a long way back (the server serves at most 100). */
  async history(room: string, before?: number, limit = PAGE): Promise<Page> {
    const ack = await call<Page>(this.live(), "history", before ? { room, before, limit } : { room, limit });
    return { messages: ack.messages ?? [], hasMore: !!ack.hasMore };
  }

  async sync(cursors: Record<string, number>, revs: Record<string, number> = {}): Promise<Record<string, SyncRoom>> {
    return (await call<{ rooms?: Record<string, SyncRoom> }>(this.live(), "sync", { cursors, revs })).rooms ?? {};
  }

  /** Joins the room (a no-op for a member) and answers its member list. */
  async join(room: string): Promise<User[]> {
    return (await call<{ members?: User[] }>(this.live(), "room:join", { room })).members ?? [];
  }

  /** replyTo: the id of the message (of the same room) this one answers; attachments: uploaded files' ids. */
  async send(room: string, text: string, clientMsgId: string, timeoutMs: number, replyTo?: string, attachments?: string[]): Promise<Message> {
    const payload = { room, text, clientMsgId, ...(replyTo ? { replyTo } : {}), ...(attachments?.length ? { attachments } : {}) };
    return (await call<{ message: Message }>(this.live(), "message:send", payload, timeoutMs)).message;
  }

  /** A message and its replies after the seq `after`. */
  async thread(room: string, id: string, after = 0): Promise<Thread> {
    const ack = await call<Partial<Thread>>(this.live(), "thread", after ? { room, id, after, limit: PAGE } : { room, id, limit: PAGE });
    if (!ack.root) throw new ParleyError("INTERNAL", "thread answered no root");
    return { root: ack.root, replies: ack.replies ?? [], hasMore: !!ack.hasMore };
  }

  async read(room: string, seq: number): Promise<void> {
    await call(this.live(), "read", { room, seq });
  }

  async typing(room: string, typing: boolean): Promise<void> {
    await call(this.live(), "typing", { room, typing });
  }

  async openDirect(username: string): Promise<Room> {
    return (await call<{ room: Room }>(this.live(), "dm:open", { user: username })).room;
  }

  async notify(room: string, level: NotifyLevel): Promise<void> {
    await call(this.live(), "room:notify", { room, level });
  }

  async updateRoom(room: string, fields: { name?: string; topic?: string }): Promise<Room> {
    return (await call<{ room: Room }>(this.live(), "room:update", { room, ...fields })).room;
  }

  async setRole(room: string, user: string, role: "admin" | "member"): Promise<void> {
    await call(this.live(), "room:role", { room, user, role });
  }

  async invite(room: string, user: string): Promise<void> {
    await call(this.live(), "room:invite", { room, user });
  }

  async kick(room: string, user: string): Promise<void> {
    await call(this.live(), "room:kick", { room, user });
  }

  async leave(room: string): Promise<void> {
    await call(this.live(), "room:leave", { room });
  }

  /** My message's new text; answers the stored copy. */
  async edit(room: string, id: string, text: string): Promise<Message> {
    return (await call<{ message: Message }>(this.live(), "message:edit", { room, id, text })).message;
  }

  /** Adds or takes back my reaction; answers the stored copy. */
  async react(room: string, id: string, emoji: string, add: boolean): Promise<Message> {
    return (await call<{ message: Message }>(this.live(), add ? "reaction:add" : "reaction:remove", { room, id, emoji })).message;
  }

  async deleteMessage(room: string, id: string): Promise<void> {
    await call(this.live(), "message:delete", { room, id });
  }

  private live(): Socket {
    if (!this.socket) throw new ParleyError("OFFLINE", "not connected");
    return this.socket;
  }
}
