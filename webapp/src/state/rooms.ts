// The room list, which room is on screen, and read cursors.
import type { ActionOf } from "./actions";
import { newRoomState, withRoom, type ChatState, type RoomState } from "./model";

/**
 * The server's list replaces ours (rooms I left disappear), keeping what
 * each known room holds; counters only move forward, so a list fetched
 * before a live message cannot undo it.
 */
export function roomsListed(s: ChatState, a: ActionOf<"rooms/listed">): ChatState {
  const rooms: Record<string, RoomState> = {};
  for (const room of a.rooms) {
    const prev = s.rooms[room.id];
    if (!prev) {
      rooms[room.id] = newRoomState(room);
      continue;
    }
    const readSeq = Math.max(prev.readSeq, room.lastSeq - (room.unread ?? 0));
    rooms[room.id] = { ...prev, room, lastSeq: Math.max(prev.lastSeq, room.lastSeq), readSeq };
  }
  return { ...s, rooms };
}

/** room:updated carries the room without my role and unread count: keep those. */
export function roomUpdated(s: ChatState, a: ActionOf<"room/updated">): ChatState {
  return withRoom(s, a.room.id, (r) => ({ ...r, room: { ...r.room, name: a.room.name, topic: a.room.topic } }));
}

/** Makes a room the active one; the "new messages" line goes after what was read when it was opened. */
function activate(s: ChatState, id: string | null): ChatState {
  if (id === s.active) return s;
  const next = { ...s, active: id };
  return id ? withRoom(next, id, (r) => ({ ...r, unreadMarker: r.lastSeq > r.readSeq ? r.readSeq : null })) : next;
}

export function roomOpened(s: ChatState, a: ActionOf<"room/opened">): ChatState {
  return s.rooms[a.room] ? activate(s, a.room) : s;
}

export function roomSelected(s: ChatState, a: ActionOf<"room/selected">): ChatState {
  return a.room === null || s.rooms[a.room] ? activate(s, a.room) : s;
}

export function roomNotify(s: ChatState, a: ActionOf<"room/notify">): ChatState {
  return withRoom(s, a.room, (r) => (r.room.notify === a.level ? r : { ...r, room: { ...r.room, notify: a.level } }));
}

/** Everything the room holds has been seen. */
export function roomRead(s: ChatState, a: ActionOf<"room/read">): ChatState {
  return withRoom(s, a.room, (r) => (r.lastSeq > r.readSeq ? { ...r, readSeq: r.lastSeq } : r));
}
