import { describe, expect, it } from "vitest";
import { holes, leavesGap, mergeMessages, settlePending, syncCursors, type PendingMessage } from "./merge";
import type { Message } from "./types";

const alice = { id: "u1", username: "alice", displayName: "Alice", kind: "human" as const };
const bob = { id: "u2", username: "bob", displayName: "Bob", kind: "human" as const };

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return { id: `m${seq}`, room: "r", seq, sender: bob, text: `#${seq}`, mentions: [], clientMsgId: `c${seq}`, createdAt: "2026-01-01T00:00:00.000Z", ...extra };
}
const seqs = (l: Message[]) => l.map((m) => m.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(a + i));

describe("mergeMessages", () => {
  it("appends newer messages", () => {
    expect(seqs(mergeMessages(range(1, 3), range(4, 5)))).toEqual([1, 2, 3, 4, 5]);
  });

  it("drops duplicates from overlapping pages, live events and sync", () => {
    let log = range(5, 10);
    log = mergeMessages(log, [msg(11)]); // live
    log = mergeMessages(log, range(9, 14)); // sync overlapping the live one
    log = mergeMessages(log, [msg(12)]); // late duplicate delivery
    log = mergeMessages(log, range(1, 6)); // scroll-back
    expect(seqs(log)).toEqual(range(1, 14).map((m) => m.seq));
    expect(holes(log)).toEqual([]);
  });

  it("orders whatever order pages arrive in", () => {
    const log = mergeMessages(mergeMessages([], [msg(7), msg(3)]), [msg(5), msg(4), msg(6)]);
    expect(seqs(log)).toEqual([3, 4, 5, 6, 7]);
  });

  it("lets a tombstone replace the message with the same seq", () => {
    const log = mergeMessages(range(1, 3), [msg(2, { deleted: true, text: "" })]);
    expect(log[1]).toMatchObject({ seq: 2, deleted: true });
    expect(log).toHaveLength(3);
  });

  it("returns the same array when nothing is added", () => {
    const log = range(1, 2);
    expect(mergeMessages(log, [])).toBe(log);
  });
});

describe("gaps", () => {
  it("a live message past newest+1 leaves a gap; an empty log never does", () => {
    expect(leavesGap(range(1, 3), 4)).toBe(false);
    expect(leavesGap(range(1, 3), 6)).toBe(true);
    expect(leavesGap([], 9)).toBe(false);
  });

  it("holes lists the missing ranges", () => {
    expect(holes([msg(1), msg(2), msg(5), msg(9)])).toEqual([
      [3, 4],
      [6, 8],
    ]);
  });

  it("sync cursors are the newest seq held, or the known lastSeq of an unopened room", () => {
    expect(syncCursors({ a: { messages: range(3, 8), lastSeq: 0 }, b: { messages: [], lastSeq: 42 } })).toEqual({ a: 8, b: 42 });
  });

  it("a live message past a gap does not move the cursor over the gap", () => {
    expect(syncCursors({ a: { messages: [...range(3, 5), msg(9)], lastSeq: 0 } })).toEqual({ a: 5 });
  });
});

describe("settlePending", () => {
  const pending = (cid: string): PendingMessage => ({ clientMsgId: cid, room: "r", text: "x", createdAt: "", status: "sending", attempts: 1 });

  it("drops the pending message the server stored under the same clientMsgId", () => {
    const left = settlePending([pending("a"), pending("b")], [msg(1, { sender: alice, clientMsgId: "a" })], alice.id);
    expect(left.map((p) => p.clientMsgId)).toEqual(["b"]);
  });

  it("ignores another sender's message that reuses the id", () => {
    const list = [pending("a")];
    expect(settlePending(list, [msg(1, { sender: bob, clientMsgId: "a" })], alice.id)).toBe(list);
  });
});
