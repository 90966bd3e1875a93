// The client's model of the chat: rooms with their logs, presence, the
// connection, and which screen is open.
import type { Session } from "./api";
import type { PendingMessage } from "./merge";
import type { Streams } from "./streams";
import type { Message, Room, User } from "./types";

export interface RoomState {
  room: Room;
  /** Newest seq known to exist in the room. */
  lastSeq: number;
  /** Newest seq I have read (server-side cursor, advanced locally first). */
  readSeq: number;
  messages: Message[];
  pending: PendingMessage[];
  /** Read cursor when the room was opened: a "new messages" line goes after it. */
  unreadMarker: number | null;
  /** History fetched at least once: messages is the room's newest tail. */
  loaded: boolean;
  hasMoreBefore: boolean;
  loadingOlder: boolean;
  members: User[] | null;
  typing: Record<string, { user: User; until: number }>;
  /** Assistant replies streaming in, by streamId. */
  streams: Streams;
}

export type Dialog = null | "browse" | "create" | "direct";

export interface AppState {
  session: Session | null;
  rooms: Record<string, RoomState>;
  active: string | null;
  connection: "idle" | "connecting" | "online" | "reconnecting";
  presence: Record<string, boolean>;
  dialog: Dialog;
  sidebarOpen: boolean;
  membersOpen: boolean;
}

export const initialState = (session: Session | null): AppState => ({
  session,
  rooms: {},
  active: null,
  connection: "idle",
  presence: {},
  dialog: null,
  sidebarOpen: false,
  membersOpen: false,
});

export function newRoomState(room: Room): RoomState {
  return {
    room,
    lastSeq: room.lastSeq,
    readSeq: Math.max(0, room.lastSeq - (room.unread ?? 0)),
    messages: [],
    pending: [],
    unreadMarker: null,
    loaded: false,
    hasMoreBefore: true,
    loadingOlder: false,
    members: null,
    typing: {},
    streams: {},
  };
}

export function unreadOf(r: RoomState): number {
  return Math.max(0, r.lastSeq - r.readSeq);
}

export function totalUnread(s: AppState): number {
  let n = 0;
  for (const r of Object.values(s.rooms)) n += unreadOf(r);
  return n;
}

/** The other participant's username of a direct room ("alice,bob"). */
export function directPeer(room: Room, me: string): string {
  const names = room.name.split(",");
  return names.find((n) => n !== me) ?? names[0] ?? room.name;
}

export function roomTitle(room: Room, me: string): string {
  return room.kind === "direct" ? directPeer(room, me) : room.name;
}

/** Replaces one room's state, keeping the rest of the tree shared. */
export function withRoom(s: AppState, id: string, fn: (r: RoomState) => RoomState): AppState {
  const r = s.rooms[id];
  if (!r) return s;
  const next = fn(r);
  return next === r ? s : { ...s, rooms: { ...s.rooms, [id]: next } };
}
