// Server events to actions, one to one. What they mean for the state is
// the reducers' business, what they call for (a sync...) the reactions'.
import type { Socket } from "socket.io-client";
import type { Action } from "../state/actions";
import type { Message, Role, Room, StreamDelta, User } from "../types";

export function bindEvents(socket: Socket, dispatch: (a: Action) => void, now: () => number = Date.now): void {
  socket.on("connect", () => dispatch({ type: "socket/connected" }));
  socket.on("disconnect", () => dispatch({ type: "socket/disconnected" }));
  socket.on("connect_error", (err: Error & { data?: { code?: string } }) => {
    const rejected = err.data?.code === "UNAUTHORIZED" || err.message === "unauthorized";
    dispatch(rejected ? { type: "session/rejected" } : { type: "socket/connectFailed" });
  });
  // The token expired or was revoked (a logout elsewhere); the server
  // disconnects the socket next.
  socket.on("session:ended", (e: { reason?: string } | null) => {
    const reason = e?.reason === "expired" || e?.reason === "revoked" ? e.reason : undefined;
    dispatch({ type: "session/rejected", reason });
  });
  socket.on("message", (m: Message | null) => {
    if (m?.room) dispatch({ type: "message/received", message: m });
  });
  socket.on("message:stream", (d: StreamDelta | null) => {
    if (d?.streamId) dispatch({ type: "stream/delta", delta: d, at: new Date(now()).toISOString() });
  });
  socket.on("message:deleted", (d: { room: string; id: string } | null) => {
    if (d?.id) dispatch({ type: "message/deleted", room: d.room, id: d.id });
  });
  socket.on("message:updated", (m: Message | null) => {
    if (m?.room && m.id) dispatch({ type: "message/updated", message: m });
  });
  socket.on("typing", (e: { room: string; user: User; typing: boolean } | null) => {
    if (e?.user) dispatch({ type: "typing/changed", room: e.room, user: e.user, typing: !!e.typing, now: now() });
  });
  socket.on("presence", (e: { user: User; online: boolean } | null) => {
    if (e?.user) dispatch({ type: "presence/changed", user: e.user, online: !!e.online });
  });
  socket.on("room:member", (e: { room: string; user: User; action: string; role?: Role } | null) => {
    if (!e?.user) return;
    if (e.action === "role") {
      if (e.role) dispatch({ type: "member/role", room: e.room, user: e.user, role: e.role });
    } else dispatch({ type: "member/changed", room: e.room, user: e.user, joined: e.action === "joined" });
  });
  socket.on("room:updated", (r: Room | null) => {
    if (r?.id) dispatch({ type: "room/updated", room: r });
  });
}
