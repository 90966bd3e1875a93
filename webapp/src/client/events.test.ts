import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import type { Action } from "../state/actions";
import { bob, msg } from "../state/testing";
import { bindEvents } from "./events";

function fakeSocket() {
  const handlers = new Map<string, (payload?: unknown) => void>();
  const socket = { on: (event: string, fn: (payload?: unknown) => void) => handlers.set(event, fn) };
  const emit = (event: string, payload?: unknown) => handlers.get(event)!(payload);
  return { socket: socket as unknown as Socket, emit };
}

function bound() {
  const { socket, emit } = fakeSocket();
  const actions: Action[] = [];
  bindEvents(socket, (a) => actions.push(a), () => Date.UTC(2026, 0, 1));
  return { emit, actions };
}

describe("bindEvents", () => {
  it("translates the connection's events", () => {
    const { emit, actions } = bound();
    emit("connect");
    emit("disconnect", "transport close");
    emit("connect_error", Object.assign(new Error("xhr poll error"), {}));
    emit("connect_error", Object.assign(new Error("unauthorized"), { data: { code: "UNAUTHORIZED" } }));
    expect(actions).toEqual([{ type: "socket/connected" }, { type: "socket/disconnected" }, { type: "socket/connectFailed" }, { type: "session/rejected" }]);
  });

  it("ends the session when the server says its token expired or was revoked", () => {
    const { emit, actions } = bound();
    emit("session:ended", { reason: "revoked" });
    emit("session:ended", { reason: "expired" });
    emit("session:ended", { reason: "something new" });
    expect(actions).toEqual([
      { type: "session/rejected", reason: "revoked" },
      { type: "session/rejected", reason: "expired" },
      { type: "session/rejected", reason: undefined },
    ]);
  });

  it("translates room events, stamping time-dependent ones", () => {
    const { emit, actions } = bound();
    const m = msg("lobby", 1);
    emit("message", m);
    emit("message:stream", { room: "lobby", streamId: "s", delta: "x", done: false });
    emit("message:deleted", { room: "lobby", id: "m1", seq: 1 });
    emit("message:updated", { ...m, text: "edited", rev: 2 });
    emit("typing", { room: "lobby", user: bob, typing: true });
    emit("presence", { user: bob, online: false });
    emit("room:member", { room: "lobby", user: bob, action: "joined" });
    emit("room:member", { room: "lobby", user: bob, action: "kicked" });
    expect(actions).toEqual([
      { type: "message/received", message: m },
      { type: "stream/delta", delta: { room: "lobby", streamId: "s", delta: "x", done: false }, at: "2026-01-01T00:00:00.000Z" },
      { type: "message/deleted", room: "lobby", id: "m1" },
      { type: "message/updated", message: { ...m, text: "edited", rev: 2 } },
      { type: "typing/changed", room: "lobby", user: bob, typing: true, now: Date.UTC(2026, 0, 1) },
      { type: "presence/changed", user: bob, online: false },
      { type: "member/changed", room: "lobby", user: bob, joined: true },
      { type: "member/changed", room: "lobby", user: bob, joined: false },
    ]);
  });

  it("drops malformed payloads", () => {
    const { emit, actions } = bound();
    for (const e of ["message", "message:stream", "message:deleted", "message:updated", "typing", "presence", "room:member"]) emit(e, null);
    emit("message:stream", { room: "lobby", delta: "x" });
    expect(actions).toEqual([]);
  });
});
