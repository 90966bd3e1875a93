import { describe, expect, it } from "vitest";
import { reduce } from "./reducer";
import { bob, me, room, roomState, signedIn } from "./testing";
import { TYPING_SHOWN_MS } from "./typing";

const lobby = room("lobby");
const carol = { id: "u-carol", username: "carol", displayName: "Carol", kind: "human" as const };

describe("typing/changed", () => {
  it("shows who is typing for a while", () => {
    const r = roomState(lobby);
    expect(reduce(signedIn([r]), { type: "typing/changed", room: "lobby", user: bob, typing: true, now: 1000 })).toEqual(
      signedIn([{ ...r, typing: { [bob.id]: { user: bob, until: 1000 + TYPING_SHOWN_MS } } }]),
    );
  });

  it("stops showing who stopped", () => {
    const r = roomState(lobby, { typing: { [bob.id]: { user: bob, until: 9 }, [carol.id]: { user: carol, until: 9 } } });
    expect(reduce(signedIn([r]), { type: "typing/changed", room: "lobby", user: bob, typing: false, now: 1 })).toEqual(
      signedIn([{ ...r, typing: { [carol.id]: { user: carol, until: 9 } } }]),
    );
  });

  it("ignores a stop from someone not shown, and my own typing from another tab", () => {
    const s = signedIn([roomState(lobby)]);
    expect(reduce(s, { type: "typing/changed", room: "lobby", user: bob, typing: false, now: 1 })).toBe(s);
    expect(reduce(s, { type: "typing/changed", room: "lobby", user: me, typing: true, now: 1 })).toBe(s);
  });
});

describe("typing/expired", () => {
  it("forgets signals older than their time, in every room", () => {
    const a = roomState(lobby, { typing: { [bob.id]: { user: bob, until: 100 }, [carol.id]: { user: carol, until: 300 } } });
    const b = roomState(room("news"), { typing: { [bob.id]: { user: bob, until: 200 } } });
    expect(reduce(signedIn([a, b]), { type: "typing/expired", now: 200 })).toEqual(
      signedIn([{ ...a, typing: { [carol.id]: { user: carol, until: 300 } } }, { ...b, typing: {} }]),
    );
  });

  it("changes nothing when nothing expired", () => {
    const s = signedIn([roomState(lobby, { typing: { [bob.id]: { user: bob, until: 100 } } })]);
    expect(reduce(s, { type: "typing/expired", now: 99 })).toBe(s);
  });
});
