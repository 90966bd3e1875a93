import { describe, expect, it } from "vitest";
import css from "./styles.css?raw";

// Avatars show white initials on a hue picked from the username; axe in the
// browser tests sees only the hues its test users happen to get, so every
// hue is checked here against WCAG's 4.5:1 for small text.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe("avatar hues", () => {
  const hues = [...css.matchAll(/\.hue-(\d+) \{ background: (#[0-9a-f]{6}); \}/g)].map((m) => ({ hue: Number(m[1]), color: m[2]! }));

  it("cover the 12 hues Avatar picks from", () => {
    expect(hues.map((h) => h.hue)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each(hues)("hue-$hue ($color) keeps white initials at 4.5:1", ({ color }) => {
    expect(1.05 / (luminance(color) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });
});
