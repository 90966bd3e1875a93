import { describe, expect, it } from "vitest";
import { expired, fitBox, humanSize, showsInline } from "./files";

describe("expired", () => {
  it("reads the signed URL's exp, in seconds", () => {
    const url = "/api/files/f1?exp=1700000000&sig=abc";
    expect(expired(url, 1_699_999_999_000)).toBe(false);
    expect(expired(url, 1_700_000_000_000)).toBe(true);
    expect(expired("/api/files/f1", 9e15)).toBe(false);
    expect(expired("/api/files/f1?exp=soon", 9e15)).toBe(false);
  });
});

describe("humanSize", () => {
  it("reads like a person would say it", () => {
    expect(humanSize(0)).toBe("0 B");
    expect(humanSize(1023)).toBe("1023 B");
    expect(humanSize(1536)).toBe("1.5 KB");
    expect(humanSize(25 * 1024 * 1024)).toBe("25 MB");
    expect(humanSize(3 * 1024 ** 3 + 1)).toBe("3 GB");
  });
});

describe("showsInline", () => {
  it("shows raster images inline, not SVG nor other files", () => {
    expect(showsInline({ contentType: "image/png" })).toBe(true);
    expect(showsInline({ contentType: "IMAGE/JPEG; charset=binary" })).toBe(true);
    expect(showsInline({ contentType: "image/svg+xml" })).toBe(false);
    expect(showsInline({ contentType: "application/pdf" })).toBe(false);
  });
});

describe("fitBox", () => {
  it("fits big images into the box keeping their shape, leaves small ones", () => {
    expect(fitBox(1440, 900)).toEqual({ width: 360, height: 225 });
    expect(fitBox(100, 1000)).toEqual({ width: 27, height: 270 });
    expect(fitBox(40, 30)).toEqual({ width: 40, height: 30 });
    expect(fitBox(undefined, 30)).toBeNull();
  });
});
