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
}

export interface ApiErrorBody {
  code: string;
  message: string;
}

export interface Page {
  messages: Message[];
  hasMore: boolean;
}

export interface StreamDelta {
  room: string;
  streamId: string;
  delta: string;
  done: boolean;
}
