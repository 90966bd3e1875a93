import { describe, expect, it } from "vitest";
import { uploadError } from "./upload";

describe("uploadError", () => {
  it("takes the server's code and message", () => {
    const e = uploadError(413, JSON.stringify({ error: { code: "TOO_LARGE", message: "over 25 MiB" } }));
    expect([e.code, e.message]).toEqual(["TOO_LARGE", "over 25 MiB"]);
  });

  it("names a 413 without a body (a proxy's) too large", () => {
    const e = uploadError(413, "<html>Request Entity Too Large</html>");
    expect([e.code, e.message]).toEqual(["TOO_LARGE", "HTTP 413"]);
  });

  it("calls a request that got no answer offline, and others by status", () => {
    expect(uploadError(0, "").code).toBe("OFFLINE");
    expect(uploadError(502, "").code).toBe("HTTP_502");
  });
});
