import { describe, expect, it } from "vitest";
import { addMentions, levelOf, mentionsMe, shouldNotify } from "./notify";
import { reduce } from "./state/reducer";
import { unreadMentionsOf } from "./state/selectors";
import { bob, me, msg, room, roomState, signedIn } from "./state/testing";

const group = room("lobby");
const direct = room("dm", { kind: "direct" });

describe("levelOf", () => {
  it("defaults to all in a direct room and mentions in a group room", () => {
    expect(levelOf(direct)).toBe("all");
    expect(levelOf(group)).toBe("mentions");
    expect(levelOf({ ...group, notify: "none" })).toBe("none");
    expect(levelOf({ ...direct, notify: "mentions" })).toBe("mentions");
  });
});

describe("shouldNotify", () => {
  const plain = msg("lobby", 1);
  const mention = msg("lobby", 2, { mentions: ["me"], text: "@me look" });
  it("all: every message of someone else", () => {
    expect(shouldNotify(plain, { ...group, notify: "all" }, me)).toBe(true);
    expect(shouldNotify(msg("dm", 1), direct, me)).toBe(true);
  });
  it("mentions: only those naming me", () => {
    expect(shouldNotify(plain, group, me)).toBe(false);
    expect(shouldNotify(mention, group, me)).toBe(true);
    expect(shouldNotify(msg("dm", 1), { ...direct, notify: "mentions" }, me)).toBe(false);
  });
  it("none: nothing, mentions included", () => {
    expect(shouldNotify(mention, { ...group, notify: "none" }, me)).toBe(false);
    expect(shouldNotify(msg("dm", 1), { ...direct, notify: "none" }, me)).toBe(false);
  });
  it("never my own messages or tombstones", () => {
    expect(shouldNotify(msg("dm", 1, { sender: me }), direct, me)).toBe(false);
    expect(shouldNotify(msg("dm", 1, { deleted: true, text: "" }), direct, me)).toBe(false);
    expect(mentionsMe(msg("lobby", 1, { sender: me, mentions: ["me"] }), me)).toBe(false);
  });
});

describe("unread mentions", () => {
  it("counts the messages after the read cursor that mention me, from live messages and sync pages alike", () => {
    let s = signedIn([roomState(room("lobby", { lastSeq: 2 }), { lastSeq: 2, readSeq: 2 })]);
    s = reduce(s, { type: "message/received", message: msg("lobby", 3, { mentions: ["me"] }) });
    s = reduce(s, { type: "message/received", message: msg("lobby", 4) });
    s = reduce(s, { type: "sync/page", room: "lobby", messages: [msg("lobby", 5, { mentions: ["bob", "me"] }), msg("lobby", 6, { mentions: ["bob"] })] });
    s = reduce(s, { type: "message/received", message: msg("lobby", 5, { mentions: ["bob", "me"] }) }); // again
    expect(s.chat.rooms.lobby.mentions).toEqual([3, 5]);
    expect(unreadMentionsOf(s.chat.rooms.lobby)).toBe(2);
    s = reduce(s, { type: "room/read", room: "lobby" });
    expect(unreadMentionsOf(s.chat.rooms.lobby)).toBe(0);
  });

  it("ignores my own messages and those already read", () => {
    expect(addMentions([], [msg("lobby", 3, { sender: me, mentions: ["me"] })], me, 0)).toEqual([]);
    expect(addMentions([], [msg("lobby", 3, { mentions: ["me"] })], me, 3)).toEqual([]);
    expect(addMentions([1, 4], [msg("lobby", 6, { mentions: ["me"] })], me, 2)).toEqual([4, 6]);
    expect(addMentions([], [msg("lobby", 3, { mentions: ["me"] })], undefined, 0)).toEqual([]);
    expect(addMentions([], [msg("lobby", 3, { sender: bob, mentions: ["bob"] })], me, 0)).toEqual([]);
  });
});

describe("room/notify", () => {
  it("sets my level on the room", () => {
    const s = signedIn([roomState(group)]);
    expect(reduce(s, { type: "room/notify", room: "lobby", level: "none" }).chat.rooms.lobby.room.notify).toBe("none");
  });
});
