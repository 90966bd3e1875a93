import { describe, expect, it } from "vitest";
import { applyDelta, endStreams } from "./streams";
import type { Message } from "./types";

const bot = { id: "b", username: "assistant", displayName: "Assistant", kind: "bot" as const };
const final = (streamId: string): Message => ({ id: "m1", room: "r", seq: 1, sender: bot, text: "Hello world", mentions: [], clientMsgId: "", streamId, createdAt: "2026-01-01T00:00:00.000Z" });

describe("streams", () => {
  it("accumulates deltas by streamId, then the final message replaces them", () => {
    let s = applyDelta({}, { room: "r", streamId: "s1", delta: "Hel", done: false }, [], bot, "t0");
    s = applyDelta(s, { room: "r", streamId: "s1", delta: "lo", done: false }, [], null, "t1");
    s = applyDelta(s, { room: "r", streamId: "s2", delta: "other", done: false }, [], bot, "t1");
    expect(s.s1).toEqual({ text: "Hello", sender: bot, startedAt: "t0", done: false });
    s = applyDelta(s, { room: "r", streamId: "s1", delta: "", done: true }, [], null, "t2");
    expect(s.s1.done).toBe(true);
    s = endStreams(s, [final("s1")]);
    expect(Object.keys(s)).toEqual(["s2"]);
  });

  it("a late delta after the final message does not bring the stream back", () => {
    const s = applyDelta({}, { room: "r", streamId: "s1", delta: "late", done: false }, [final("s1")], bot, "t");
    expect(s).toEqual({});
  });

  it("messages without a stream leave the streams alone", () => {
    const s = applyDelta({}, { room: "r", streamId: "s1", delta: "x", done: false }, [], bot, "t");
    expect(endStreams(s, [{ ...final(""), streamId: undefined }])).toBe(s);
  });
});
