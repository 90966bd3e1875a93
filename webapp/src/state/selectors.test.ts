import { describe, expect, it } from "vitest";
import { assistantUser, canGiveRoles, canModerate, directPeer, directRooms, groupRooms, roomTitle, totalUnread, unreadOf } from "./selectors";
import { bob, me, room, roomState, signedIn } from "./testing";

describe("directPeer and roomTitle", () => {
  // the server's name for a direct room is no business of the UI: a
  // misleading one shows that it is not read
  const dm = room("d1", { kind: "direct", name: "zed,someone" });

  it("find the other person in the member list", () => {
    const r = roomState(dm, { members: [me, bob] });
    expect(directPeer(r, me.id)).toEqual(bob);
    expect(roomTitle(r, me.id, "?")).toBe("bob");
  });

  it("know no peer before the members are loaded", () => {
    expect(directPeer(roomState(dm), me.id)).toBeNull();
    expect(roomTitle(roomState(dm), me.id, "a direct message")).toBe("a direct message");
  });

  it("name group rooms by their name", () => {
    const r = roomState(room("g1", { name: "design" }), { members: [me, bob] });
    expect(directPeer(r, me.id)).toBeNull();
    expect(roomTitle(r, me.id, "?")).toBe("design");
  });
});

describe("assistantUser", () => {
  it("is the bot the server names", () => {
    expect(assistantUser({ assistant: "helper", defaultRoom: "general" })).toEqual({ id: "bot:helper", username: "helper", displayName: "helper", kind: "bot" });
    expect(assistantUser(null)).toBeNull();
  });
});

describe("room lists", () => {
  const s = {
    ...signedIn([
      roomState(room("b", { name: "beta" })),
      roomState(room("lobby", { name: "lobby" })),
      roomState(room("a", { name: "alpha" })),
      roomState(room("d1", { kind: "direct", name: "x" }), { lastSeq: 1 }),
      roomState(room("d2", { kind: "direct", name: "y" }), { lastSeq: 7 }),
    ]),
    config: { assistant: "helper", defaultRoom: "lobby" },
  };

  it("put the default room first, then groups by name", () => {
    expect(groupRooms(s.chat.rooms, s.config.defaultRoom).map((r) => r.room.id)).toEqual(["lobby", "a", "b"]);
  });

  it("put the most recent direct rooms first", () => {
    expect(directRooms(s.chat.rooms).map((r) => r.room.id)).toEqual(["d2", "d1"]);
  });
});

describe("unread counts", () => {
  it("count what is past the read cursor", () => {
    const a = roomState(room("a"), { lastSeq: 10, readSeq: 4 });
    const b = roomState(room("b"), { lastSeq: 3, readSeq: 3 });
    expect(unreadOf(a)).toBe(6);
    expect(totalUnread(signedIn([a, b]).chat)).toBe(6);
  });
});

describe("canModerate and canGiveRoles", () => {
  const admin = { ...me, admin: true };
  const group = (role?: "owner" | "admin" | "member") => room("g1", { role });

  it("follow my role in a group room", () => {
    expect(canModerate(group("owner"), me)).toBe(true);
    expect(canModerate(group("admin"), me)).toBe(true);
    expect(canModerate(group("member"), me)).toBe(false);
    expect(canGiveRoles(group("owner"), me)).toBe(true);
    expect(canGiveRoles(group("admin"), me)).toBe(false);
  });

  it("let a server administrator moderate every group room, role or not", () => {
    expect(canModerate(group("member"), admin)).toBe(true);
    expect(canModerate(group(undefined), admin)).toBe(true);
    expect(canGiveRoles(group("member"), admin)).toBe(true);
  });

  it("never count in direct rooms", () => {
    const dm = room("d1", { kind: "direct", role: "member" });
    expect(canModerate(dm, admin)).toBe(false);
    expect(canGiveRoles(dm, admin)).toBe(false);
  });
});
