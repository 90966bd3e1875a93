import { describe, expect, it } from "vitest";
import { reduce } from "./reducer";
import { bob, bot, me, room, roomState, signedIn } from "./testing";

const carol = { id: "u-carol", username: "carol", displayName: "Carol", kind: "human" as const };

describe("members/loaded", () => {
  it("sets the member list and everyone's presence from it", () => {
    const r = roomState(room("lobby"));
    const s = signedIn([r], { presence: { [carol.id]: true } });
    const members = [{ ...me, online: true }, { ...bob, online: false }, { ...bot, online: true }];
    expect(reduce(s, { type: "members/loaded", room: "lobby", members })).toEqual(
      signedIn([{ ...r, members }], { presence: { [carol.id]: true, [me.id]: true, [bob.id]: false, [bot.id]: true } }),
    );
  });
});

describe("member/changed", () => {
  const r = roomState(room("lobby"), { members: [me, bob] });

  it("adds who joined", () => {
    expect(reduce(signedIn([r]), { type: "member/changed", room: "lobby", user: carol, joined: true })).toEqual(
      signedIn([{ ...r, members: [me, bob, carol] }]),
    );
  });

  it("removes who left", () => {
    expect(reduce(signedIn([r]), { type: "member/changed", room: "lobby", user: bob, joined: false })).toEqual(signedIn([{ ...r, members: [me] }]));
  });

  it("leaves my own membership to the room list", () => {
    const s = signedIn([r]);
    expect(reduce(s, { type: "member/changed", room: "lobby", user: me, joined: false })).toBe(s);
  });

  it("waits for the whole list when none is loaded", () => {
    const s = signedIn([roomState(room("lobby"))]);
    expect(reduce(s, { type: "member/changed", room: "lobby", user: carol, joined: true })).toBe(s);
  });

  it("changes nothing when someone not listed leaves", () => {
    const s = signedIn([r]);
    expect(reduce(s, { type: "member/changed", room: "lobby", user: carol, joined: false })).toBe(s);
  });
});

describe("presence/changed", () => {
  it("records who went online or offline", () => {
    const s = signedIn([], { presence: { [bob.id]: true } });
    expect(reduce(s, { type: "presence/changed", user: bob, online: false })).toEqual(signedIn([], { presence: { [bob.id]: false } }));
    expect(reduce(s, { type: "presence/changed", user: carol, online: true })).toEqual(
      signedIn([], { presence: { [bob.id]: true, [carol.id]: true } }),
    );
  });

  it("changes nothing when it is no news", () => {
    const s = signedIn([], { presence: { [bob.id]: true } });
    expect(reduce(s, { type: "presence/changed", user: bob, online: true })).toBe(s);
  });
});
