// Wire shapes of docs/protocol.md §4.

export type UserKind = "human" | "bot" | "service";

export interface User {
  id: string;
  username: string;
  displayName: string;
  kind: UserKind;
  /** Only in member lists. */
  online?: boolean;
  /** Only in member lists. */
  role?: Role;
  /** Only in my own account (docs/protocol.md §4.11): a server administrator. */
  admin?: boolean;
}

export type Role = "owner" | "admin" | "member";

export interface Room {
  id: string;
  name: string;
  topic: string;
  kind: "group" | "direct";
  private: boolean;
  createdAt: string;
  lastSeq: number;
  /** The room's change counter: new messages, edits, reactions and deletes. */
  lastRev?: number;
  unread?: number;
  role?: Role;
  /** My notification level, in my room list only (docs/protocol.md §7.16). */
  notify?: NotifyLevel;
}

export type NotifyLevel = "all" | "mentions" | "none";

export interface Message {
  id: string;
  room: string;
  seq: number;
  sender: User;
  text: string;
  mentions: string[];
  clientMsgId: string;
  streamId?: string;
  deleted?: boolean;
  createdAt: string;
  /** The room's rev when this message last changed. */
  rev?: number;
  editedAt?: string;
  reactions?: Reaction[];
  replyTo?: Quote;
  /** The files the message carries; absent when it has none. */
  attachments?: Attachment[];
}

/**
 * An uploaded file (the protocol's File; named so as not to shadow the
 * DOM's). url and thumbUrl are signed and expire: usable in <img src> and
 * download links without a bearer token.
 */
export interface Attachment {
  id: string;
  room: string;
  name: string;
  size: number;
  contentType: string;
  width?: number;
  height?: number;
  url: string;
  thumbUrl?: string;
}

/** One answer of GET /api/search. */
export interface SearchResult {
  message: Message;
  room: Room;
}

export interface SearchPage {
  results: SearchResult[];
  hasMore: boolean;
}

/** One emoji (or :shortcode:) on a message; users lists at most 10 of them. */
export interface Reaction {
  emoji: string;
  count: number;
  users: string[];
  /** Whether the reader is one of them (always false in message:updated). */
  me: boolean;
}

/** What a reply shows of the message it answers. */
export interface Quote {
  id: string;
  seq: number;
  sender: User;
  text: string;
  deleted?: boolean;
}

export interface ApiErrorBody {
  code: string;
  message: string;
}

export interface Page {
  messages: Message[];
  hasMore: boolean;
}

/** One room's part of a sync answer: new messages, changes to held ones, and the rev to send next. */
export interface SyncRoom extends Page {
  changes?: Message[];
  rev?: number;
}

export interface Thread {
  root: Message;
  replies: Message[];
  hasMore: boolean;
}

export interface StreamDelta {
  room: string;
  streamId: string;
  delta: string;
  done: boolean;
}
