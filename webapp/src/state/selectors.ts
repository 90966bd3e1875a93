// Derived values the views and effects read; never stored, so never stale.
import type { Room, User } from "../types";
import type { ChatState, RoomState, ServerConfig } from "./model";

export function unreadOf(r: RoomState): number {
  return Math.max(0, r.lastSeq - r.readSeq);
}

/** Unread messages that mention me, of those this client has received. */
export function unreadMentionsOf(r: RoomState): number {
  let n = 0;
  for (const seq of r.mentions) if (seq > r.readSeq) n++;
  return n;
}

export function totalUnread(s: ChatState): number {
  let n = 0;
  for (const r of Object.values(s.rooms)) n += unreadOf(r);
  return n;
}

/**
 * The other person of a direct room, from its member list (the room's name
 * is the server's business). Null until the members are loaded.
 */
export function directPeer(r: RoomState, myId: string): User | null {
  if (r.room.kind !== "direct") return null;
  return r.members?.find((u) => u.id !== myId) ?? null;
}

/** A group's name, or a direct room's peer (unknownPeer until the member list is loaded). */
export function roomTitle(r: RoomState, myId: string, unknownPeer: string): string {
  if (r.room.kind !== "direct") return r.room.name;
  return directPeer(r, myId)?.username ?? unknownPeer;
}

/**
 * The assistant as a user, for mentions and streaming replies before a
 * member list has named the bot account.
 */
export function assistantUser(config: ServerConfig | null): User | null {
  if (!config) return null;
  return { id: `bot:${config.assistant}`, username: config.assistant, displayName: config.assistant, kind: "bot" };
}

/** Group rooms, the default room first, then by name. */
export function groupRooms(rooms: Record<string, RoomState>, defaultRoom: string | undefined): RoomState[] {
  return Object.values(rooms)
    .filter((r) => r.room.kind === "group")
    .sort((a, b) => (a.room.id === defaultRoom ? -1 : b.room.id === defaultRoom ? 1 : a.room.name.localeCompare(b.room.name)));
}

/** Direct rooms, the most recently active first. */
export function directRooms(rooms: Record<string, RoomState>): RoomState[] {
  return Object.values(rooms)
    .filter((r) => r.room.kind === "direct")
    .sort((a, b) => b.lastSeq - a.lastSeq || a.room.name.localeCompare(b.room.name));
}

/**
 * Whether I moderate a room (delete anyone's message, kick, invite, rename):
 * its owners and admins do, and a server administrator does in every group
 * room (docs/protocol.md §15). Direct rooms have no moderators.
 */
export function canModerate(room: Room, me: User | undefined): boolean {
  if (room.kind !== "group") return false;
  return room.role === "owner" || room.role === "admin" || me?.admin === true;
}

/** Whether I give and take a group room's admin role: its owner, or a server administrator. */
export function canGiveRoles(room: Room, me: User | undefined): boolean {
  return room.kind === "group" && (room.role === "owner" || me?.admin === true);
}
