import { describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { bindEvents } from "../client/events";
import type { Action } from "./actions";
import { reduce } from "./reducer";
import { bob, me, room, roomState, signedIn } from "./testing";

describe("room/updated", () => {
  it("takes the new name and topic, keeping my role and unread count", () => {
    const r = roomState(room("lobby", { name: "lobby", topic: "", role: "admin", unread: 3 }));
    const updated = room("lobby", { name: "plans", topic: "what next" });
    expect(reduce(signedIn([r]), { type: "room/updated", room: updated })).toEqual(
      signedIn([{ ...r, room: { ...r.room, name: "plans", topic: "what next" } }]),
    );
  });

  it("ignores a room I am not in", () => {
    const s = signedIn([roomState(room("lobby"))]);
    expect(reduce(s, { type: "room/updated", room: room("elsewhere", { name: "x" }) })).toBe(s);
  });
});

describe("member/role", () => {
  const r = roomState(room("lobby", { role: "member" }), { members: [{ ...me, role: "member" }, { ...bob, role: "owner" }] });

  it("shows someone's new role in the member list", () => {
    expect(reduce(signedIn([r]), { type: "member/role", room: "lobby", user: bob, role: "admin" })).toEqual(
      signedIn([{ ...r, members: [{ ...me, role: "member" }, { ...bob, role: "admin" }] }]),
    );
  });

  it("changes my role in the room too, so it offers what I may now do", () => {
    expect(reduce(signedIn([r]), { type: "member/role", room: "lobby", user: me, role: "owner" })).toEqual(
      signedIn([{ ...r, room: { ...r.room, role: "owner" }, members: [{ ...me, role: "owner" }, { ...bob, role: "owner" }] }]),
    );
  });
});

describe("room events", () => {
  it("turns room:updated and room:member role into actions", () => {
    const handlers = new Map<string, (p: unknown) => void>();
    const socket = { on: (e: string, fn: (p: unknown) => void) => handlers.set(e, fn) } as unknown as Socket;
    const actions: Action[] = [];
    bindEvents(socket, (a) => actions.push(a));
    const updated = room("lobby", { name: "plans" });
    handlers.get("room:updated")!(updated);
    handlers.get("room:member")!({ room: "lobby", user: bob, action: "role", role: "admin" });
    handlers.get("room:member")!({ room: "lobby", user: bob, action: "left" });
    expect(actions).toEqual([
      { type: "room/updated", room: updated },
      { type: "member/role", room: "lobby", user: bob, role: "admin" },
      { type: "member/changed", room: "lobby", user: bob, joined: false },
    ]);
  });
});
