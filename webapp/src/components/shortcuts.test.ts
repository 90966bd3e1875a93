import { describe, expect, it } from "vitest";
import { isSearchShortcut, searchShortcutLabel } from "./shortcuts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("search shortcut", () => {
  it("is Ctrl+K off Apple systems and ⌘K on them", () => {
    expect(isSearchShortcut(key("k", { ctrlKey: true }), false)).toBe(true);
    expect(isSearchShortcut(key("K", { ctrlKey: true }), false)).toBe(true);
    expect(isSearchShortcut(key("k", { metaKey: true }), false)).toBe(false);
    expect(isSearchShortcut(key("k", { metaKey: true }), true)).toBe(true);
    expect(isSearchShortcut(key("k", { ctrlKey: true }), true)).toBe(false);
    expect(isSearchShortcut(key("k", { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(isSearchShortcut(key("j", { ctrlKey: true }), false)).toBe(false);
    expect([searchShortcutLabel(false), searchShortcutLabel(true)]).toEqual(["Ctrl+K", "⌘K"]);
  });
});
