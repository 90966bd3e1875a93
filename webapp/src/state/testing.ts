// Builders for the reducer tests: small valid values, overridable field by field.
import type { Session } from "../api";
import type { Message, Room, User } from "../types";
import { initialState, newRoomState, type AppState, type RoomState } from "./model";

export const me: User = { id: "u-me", username: "me", displayName: "Me", kind: "human" };
export const bob: User = { id: "u-bob", username: "bob", displayName: "Bob", kind: "human" };
export const bot: User = { id: "u-bot", username: "helper", displayName: "Helper", kind: "bot" };
export const session: Session = { token: "t0k3n", user: me };

export function room(id: string, over: Partial<Room> = {}): Room {
  return { id, name: id, topic: "", kind: "group", private: false, createdAt: "2026-01-01T00:00:00.000Z", lastSeq: 0, ...over };
}

export function msg(roomId: string, seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `${roomId}-${seq}`,
    room: roomId,
    seq,
    sender: bob,
    text: `message ${seq}`,
    mentions: [],
    clientMsgId: `c-${roomId}-${seq}`,
    createdAt: `2026-01-01T00:00:${String(seq % 60).padStart(2, "0")}.000Z`,
    ...over,
  };
}

export function roomState(r: Room, over: Partial<RoomState> = {}): RoomState {
  return { ...newRoomState(r), ...over };
}

/** A signed-in state holding the given rooms. */
export function signedIn(rooms: RoomState[] = [], over: Partial<AppState["chat"]> = {}): AppState {
  const s = initialState(session);
  return { ...s, chat: { ...s.chat, connection: "online", rooms: Object.fromEntries(rooms.map((r) => [r.room.id, r])), ...over } };
}
