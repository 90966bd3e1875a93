import { describe, expect, it } from "vitest";
import { reduce } from "../state/reducer";
import type { Action } from "../state/actions";
import type { AppState } from "../state/model";
import { bob, me, msg, room, roomState, signedIn } from "../state/testing";
import { reactionsTo } from "./reactions";

const lobby = roomState(room("lobby", { lastSeq: 2 }), { loaded: true, lastSeq: 2, readSeq: 2, messages: [msg("lobby", 1), msg("lobby", 2)] });
const news = roomState(room("news", { lastSeq: 0 }));

function react(s: AppState, a: Action) {
  return reactionsTo(a, s, reduce(s, a));
}

describe("reactionsTo", () => {
  it("syncs on every connect", () => {
    expect(react(signedIn(), { type: "socket/connected" })).toEqual([{ kind: "resync" }]);
  });

  it("signs out when the server rejects the session", () => {
    expect(react(signedIn(), { type: "session/rejected" })).toEqual([{ kind: "signOut" }]);
  });

  it("marks a message in the room on screen read", () => {
    expect(react(signedIn([lobby, news], { active: "lobby" }), { type: "message/received", message: msg("lobby", 3) })).toEqual([{ kind: "markRead", room: "lobby" }]);
    expect(react(signedIn([lobby, news], { active: "news" }), { type: "message/received", message: msg("lobby", 3) })).toEqual([]);
  });

  it("syncs when a message leaves a hole in an opened log", () => {
    expect(react(signedIn([lobby, news], { active: "news" }), { type: "message/received", message: msg("lobby", 5) })).toEqual([{ kind: "resync" }]);
  });

  it("syncs when a message comes from a room not in the list (just added to it)", () => {
    expect(react(signedIn([lobby]), { type: "message/received", message: msg("new-dm", 1) })).toEqual([{ kind: "resync" }]);
  });

  it("marks my acknowledged send read in the room on screen", () => {
    const a: Action = { type: "send/acked", room: "lobby", message: msg("lobby", 3, { sender: me }) };
    expect(react(signedIn([lobby], { active: "lobby" }), a)).toEqual([{ kind: "markRead", room: "lobby" }]);
    expect(react(signedIn([lobby], { active: null }), a)).toEqual([]);
  });

  it("syncs when my own membership changes elsewhere, not someone else's", () => {
    expect(react(signedIn([lobby]), { type: "member/changed", room: "news", user: me, joined: true })).toEqual([{ kind: "resync" }]);
    expect(react(signedIn([lobby]), { type: "member/changed", room: "lobby", user: bob, joined: true })).toEqual([]);
  });

  it("syncs when a loaded page does not reach the newest message known", () => {
    const waiting = roomState(room("news", { lastSeq: 9 }));
    expect(react(signedIn([waiting]), { type: "history/loaded", room: "news", page: { messages: [msg("news", 8)], hasMore: true } })).toEqual([{ kind: "resync" }]);
    expect(react(signedIn([waiting]), { type: "history/loaded", room: "news", page: { messages: [msg("news", 9)], hasMore: true } })).toEqual([]);
  });

  it("asks for nothing on other actions", () => {
    expect(react(signedIn([lobby]), { type: "room/read", room: "lobby" })).toEqual([]);
  });
});
