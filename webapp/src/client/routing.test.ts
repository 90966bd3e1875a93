import { describe, expect, it } from "vitest";
import { hashOf, pickRoom, roomOfHash } from "./routing";

describe("roomOfHash and hashOf", () => {
  it("read a room id back from the hash they make", () => {
    for (const id of ["general", "01J9Z8Y7X6", "a room/with?odd#chars"]) expect(roomOfHash(hashOf(id))).toBe(id);
  });

  it("accept #/id, and nothing for an empty or malformed hash", () => {
    expect(roomOfHash("#/general")).toBe("general");
    expect(roomOfHash("")).toBe("");
    expect(roomOfHash("#%E0%A4%A")).toBe("");
  });
});

describe("pickRoom", () => {
  const rooms = { lobby: 1, news: 2, general: 3 };

  it("prefers the URL's room, then the one on screen, then the default room", () => {
    expect(pickRoom(rooms, "news", "lobby", "general")).toBe("news");
    expect(pickRoom(rooms, "", "lobby", "general")).toBe("lobby");
    expect(pickRoom(rooms, "not-mine", null, "general")).toBe("general");
  });

  it("falls back to any room, or none", () => {
    expect(pickRoom({ only: 1 }, "", null, "general")).toBe("only");
    expect(pickRoom({}, "x", "y", "general")).toBeNull();
  });
});
