import { describe, expect, it } from "vitest";
import { insertMention, mentionAt, mentionCandidates, mergeSuggestions, safeHref, suggestMembers } from "./mentions";
import type { User } from "./types";

const u = (username: string, displayName = username, kind: User["kind"] = "human"): User => ({ id: username, username, displayName, kind });
const members = [u("alice", "Alice Liddell"), u("alan", "Alan Turing"), u("bob", "Bob"), u("assistant", "Assistant", "bot"), u("zed", "Ann Zed")];

describe("mentionAt", () => {
  it("finds the @query at the caret", () => {
    expect(mentionAt("hi @al", 6)).toEqual({ start: 3, query: "al" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("(@bo", 4)).toEqual({ start: 1, query: "bo" });
  });

  it("ignores e-mail addresses and text after a space", () => {
    expect(mentionAt("mail me@al", 10)).toBeNull();
    expect(mentionAt("@al ", 4)).toBeNull();
    expect(mentionAt("hello", 5)).toBeNull();
  });
});

describe("suggestMembers", () => {
  it("ranks username prefixes, then display names, then substrings", () => {
    expect(suggestMembers(members, "a").map((m) => m.username)).toEqual(["assistant", "alan", "alice", "zed"]);
    expect(suggestMembers(members, "tur").map((m) => m.username)).toEqual(["alan"]);
  });

  it("offers the assistant, never me", () => {
    expect(suggestMembers(members, "", "bob").map((m) => m.username)).toEqual(["assistant", "alan", "alice", "zed"]);
  });
});

describe("mergeSuggestions", () => {
  const names = (list: User[]) => list.map((m) => m.username);

  it("puts matching members before people found on the server, without repeating anyone", () => {
    const found = [u("alba", "Alba"), u("alan", "Alan Turing"), u("alfred", "Alfred")];
    expect(names(mergeSuggestions(members, found, "al"))).toEqual(["alan", "alice", "alba", "alfred"]);
  });

  it("stops at the limit, members taking the places first", () => {
    const found = [u("aa1"), u("aa2"), u("aa3"), u("aa4"), u("aa5"), u("aa6"), u("aa7"), u("aa8")];
    expect(names(mergeSuggestions(members, found, "a"))).toEqual(["assistant", "alan", "alice", "zed", "aa1", "aa2", "aa3", "aa4"]);
    expect(names(mergeSuggestions(members, found, "a", undefined, 3))).toEqual(["assistant", "alan", "alice"]);
  });

  it("never offers me, and drops found people who no longer match the query", () => {
    const found = [u("me", "Al Me"), u("bert", "Bert"), u("alva", "Alva")];
    expect(names(mergeSuggestions(members, found, "al", "me"))).toEqual(["alan", "alice", "alva"]);
  });

  it("is just the members when the server found nobody", () => {
    expect(mergeSuggestions(members, [], "b")).toEqual(suggestMembers(members, "b"));
  });
});

describe("mentionCandidates", () => {
  const helper = u("helper", "helper", "bot");

  it("adds the server's assistant to a group room whose members are not loaded or lack it", () => {
    expect(mentionCandidates(null, "group", helper)).toEqual([helper]);
    expect(mentionCandidates([u("bob")], "group", helper)).toEqual([u("bob"), helper]);
  });

  it("does not add it twice, nor to direct rooms", () => {
    const withBot = [u("bob"), u("helper", "Assistant", "bot")];
    expect(mentionCandidates(withBot, "group", helper)).toEqual(withBot);
    expect(mentionCandidates([u("bob")], "direct", helper)).toEqual([u("bob")]);
  });
});

describe("insertMention", () => {
  it("replaces the query with the username and a space", () => {
    expect(insertMention("hey @as how", 4, 7, "assistant")).toEqual({ text: "hey @assistant how", caret: 15 });
  });
});

describe("safeHref", () => {
  it("allows http, https and mailto only", () => {
    expect(safeHref("https://a.test/")).toBe("https://a.test/");
    expect(safeHref("mailto:a@b.test")).toBe("mailto:a@b.test");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("JaVaScRiPt:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<b>")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
  });
});
