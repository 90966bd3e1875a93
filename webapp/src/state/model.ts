// The client's model: the chat (rooms with their logs, presence, the
// connection), the deployment's settings, and the UI's flags, each its own
// slice so the chat never depends on which drawer is open.
import type { Session } from "../api";
import type { PendingMessage } from "../merge";
import type { Streams } from "../streams";
import type { Attachment, Message, Quote, Room, User } from "../types";

/** What the server says about this deployment (GET /api/config). */
export interface ServerConfig {
  /** The assistant's username (configurable on the server). */
  assistant: string;
  /** The room every account joins; opened when nothing else is asked for. */
  defaultRoom: string;
}

export interface RoomState {
  room: Room;
  /** Newest seq known to exist in the room. */
  lastSeq: number;
  /**
   * The rev my copy of the log is as of, sent with every sync so that it
   * answers what changed since. Moves only with sync answers: a live
   * event may come before changes I have not been told of yet.
   */
  rev: number;
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
  /** Seqs of the messages received that mention me, oldest first: those
   * after readSeq are the unread mentions. */
  mentions: number[];
}

export type Connection = "idle" | "connecting" | "online" | "reconnecting";

export interface ChatState {
  session: Session | null;
  rooms: Record<string, RoomState>;
  active: string | null;
  connection: Connection;
  presence: Record<string, boolean>;
  /** The thread open in the side panel. */
  thread?: ThreadState | null;
  /** Why the server ended the last session (shown on the sign-in page), or null. */
  ended: SessionEndReason | null;
}

/** A message and its replies, as the thread panel shows them. */
export interface ThreadState {
  room: string;
  id: string;
  root: Message | null;
  replies: Message[];
  hasMore: boolean;
  loading: boolean;
  error?: string;
}

/** session:ended's reasons (docs/protocol.md §8.8). */
export type SessionEndReason = "expired" | "revoked";

export type Dialog = null | "browse" | "create" | "direct" | "password" | "room" | "invite" | "search";

export interface UiState {
  dialog: Dialog;
  sidebarOpen: boolean;
  membersOpen: boolean;
  /** The message being edited in place. */
  editing?: MessageRef | null;
  /** The message the composer's next send answers. */
  replyTo?: { room: string; quote: Quote } | null;
  /** A message just jumped to, shown highlighted for a moment. */
  highlight?: MessageRef | null;
  /** A short note over the room's log (a search result that could not be shown), until closed. */
  notice?: string | null;
  /** Files on their way up, shown above the composer until sent or removed. */
  uploads?: Upload[];
}

/** A file picked, pasted or dropped into a room's composer. */
export interface Upload {
  /** Local, made when the file was picked. */
  id: string;
  room: string;
  name: string;
  size: number;
  /** Bytes sent so far. */
  loaded: number;
  status: "uploading" | "done" | "failed";
  /** The stored file, once done. */
  file?: Attachment;
  error?: { code: string; message: string };
  /** A blob: URL of the picked image, for its chip. */
  preview?: string;
}

export interface MessageRef {
  room: string;
  id: string;
}

export interface AppState {
  config: ServerConfig | null;
  chat: ChatState;
  ui: UiState;
}

export const initialChat = (session: Session | null): ChatState => ({
  session,
  rooms: {},
  active: null,
  connection: "idle",
  presence: {},
  ended: null,
});

export const initialUi = (): UiState => ({ dialog: null, sidebarOpen: false, membersOpen: false });

export const initialState = (session: Session | null): AppState => ({
  config: null,
  chat: initialChat(session),
  ui: initialUi(),
});

export function newRoomState(room: Room): RoomState {
  return {
    room,
    lastSeq: room.lastSeq,
    rev: room.lastRev ?? 0,
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
    mentions: [],
  };
}

/** Replaces one room's state, keeping the rest of the tree shared; unknown rooms are left alone. */
export function withRoom(s: ChatState, id: string, fn: (r: RoomState) => RoomState): ChatState {
  const r = s.rooms[id];
  if (!r) return s;
  const next = fn(r);
  return next === r ? s : { ...s, rooms: { ...s.rooms, [id]: next } };
}
