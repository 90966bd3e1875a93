import { describe, expect, it } from "vitest";
import type { Connection } from "./model";
import { reduce } from "./reducer";
import { signedIn } from "./testing";

const at = (connection: Connection) => signedIn([], { connection });

describe("socket/connecting", () => {
  it("shows the first connection being made", () => {
    expect(reduce(at("idle"), { type: "socket/connecting" })).toEqual(at("connecting"));
  });
});

describe("socket/connected", () => {
  it("is online", () => {
    expect(reduce(at("reconnecting"), { type: "socket/connected" })).toEqual(at("online"));
  });
  it("changes nothing when already online", () => {
    const s = at("online");
    expect(reduce(s, { type: "socket/connected" })).toBe(s);
  });
});

describe("socket/disconnected", () => {
  it("is reconnecting", () => {
    expect(reduce(at("online"), { type: "socket/disconnected" })).toEqual(at("reconnecting"));
  });
});

describe("socket/connectFailed", () => {
  it("keeps saying connecting while the first connection is not made", () => {
    const s = at("connecting");
    expect(reduce(s, { type: "socket/connectFailed" })).toBe(s);
  });
  it("says reconnecting after a loss", () => {
    expect(reduce(at("online"), { type: "socket/connectFailed" })).toEqual(at("reconnecting"));
  });
});
