import { describe, expect, it } from "vitest";
import { highlightPieces, searchTerms, snippet } from "./highlight";

describe("searchTerms", () => {
  it("splits on any whitespace and drops empties", () => {
    expect(searchTerms("  数据库 \t migration\n")).toEqual(["数据库", "migration"]);
    expect(searchTerms("   ")).toEqual([]);
  });
});

describe("highlightPieces", () => {
  it("marks every occurrence of every term, case-insensitively", () => {
    expect(highlightPieces("The Database and the database", ["DATABASE"])).toEqual([
      { text: "The ", match: false },
      { text: "Database", match: true },
      { text: " and the ", match: false },
      { text: "database", match: true },
    ]);
  });

  it("marks Chinese terms inside a sentence without spaces", () => {
    expect(highlightPieces("我们的数据库迁移完成了", ["数据库"])).toEqual([
      { text: "我们的", match: false },
      { text: "数据库", match: true },
      { text: "迁移完成了", match: false },
    ]);
  });

  it("merges overlapping and adjacent matches into one piece", () => {
    expect(highlightPieces("abcdefg", ["abc", "bcd", "ef"])).toEqual([
      { text: "abcdef", match: true },
      { text: "g", match: false },
    ]);
  });

  it("leaves text with no match as one unmarked piece, and markup as text", () => {
    expect(highlightPieces("<b>hi</b>", ["zzz"])).toEqual([{ text: "<b>hi</b>", match: false }]);
    expect(highlightPieces("", ["a"])).toEqual([]);
  });
});

describe("snippet", () => {
  it("keeps short text whole, flattening newlines", () => {
    expect(snippet("one\ntwo", ["two"])).toBe("one two");
  });

  it("cuts long text around the first match", () => {
    const text = `${"a".repeat(200)} 数据库 ${"b".repeat(200)}`;
    const s = snippet(text, ["数据库"], 40);
    expect(s.startsWith("…")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
    expect(s).toContain("数据库");
  });
});
