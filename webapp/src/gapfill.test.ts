import { describe, expect, it } from "vitest";
import { fillGaps } from "./gapfill";
import { holes, mergeMessages } from "./merge";
import type { Message, Page } from "./types";

const bob = { id: "u2", username: "bob", displayName: "Bob", kind: "human" as const };
const msg = (room: string, seq: number): Message => ({ id: `${room}-${seq}`, room, seq, sender: bob, text: `${room} #${seq}`, mentions: [], clientMsgId: `c-${room}-${seq}`, createdAt: "2026-01-01T00:00:00.000Z" });
const range = (room: string, a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(room, a + i));

/** A server holding `total` messages per room, answering sync pages of `page`. */
function fakeServer(total: Record<string, number>, page: number) {
  const calls: Record<string, number>[] = [];
  return {
    calls,
    sync: async (cursors: Record<string, number>) => {
      calls.push(cursors);
      const out: Record<string, Page> = {};
      for (const [room, last] of Object.entries(total)) {
        const after = cursors[room] ?? 0;
        const to = Math.min(last, after + page);
        out[room] = { messages: after < last ? range(room, after + 1, to) : [], hasMore: to < last };
      }
      return out;
    },
  };
}

/**
 * A server that bounds each answer to `budget` messages across rooms, as
 * Parley does: rooms in order until the answer is full; a room it did not
 * reach answers no messages and hasMore.
 */
function boundedServer(total: Record<string, number>, budget: number) {
  const answers: number[] = [];
  return {
    answers,
    sync: async (cursors: Record<string, number>) => {
      const out: Record<string, Page> = {};
      let left = budget;
      for (const [room, last] of Object.entries(total)) {
        const after = cursors[room] ?? 0;
        const to = Math.min(last, after + left);
        left -= to - after;
        out[room] = { messages: range(room, after + 1, to), hasMore: to < last };
      }
      answers.push(budget - left);
      return out;
    },
  };
}

describe("fillGaps", () => {
  it("follows hasMore through answers bounded across rooms, rooms the answer did not reach included", async () => {
    const logs: Record<string, { messages: Message[]; lastSeq: number }> = {
      a: { messages: range("a", 1, 2), lastSeq: 2 },
      b: { messages: range("b", 1, 1), lastSeq: 1 },
      c: { messages: range("c", 1, 3), lastSeq: 3 },
    };
    const server = boundedServer({ a: 6, b: 5, c: 7 }, 3);
    const done = await fillGaps({
      logs: () => logs,
      sync: server.sync,
      apply: (room, ms) => (logs[room] = { ...logs[room], messages: mergeMessages(logs[room].messages, ms) }),
    });
    expect(done).toBe(true);
    expect(server.answers).toEqual([3, 3, 3, 3]); // 12 missed, 3 an answer
    expect(logs.a.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(logs.b.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(logs.c.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });


  it("pages through everything missed, in every opened room, without holes or duplicates", async () => {
    const logs: Record<string, { messages: Message[]; lastSeq: number; loaded: boolean }> = {
      a: { messages: range("a", 1, 4), lastSeq: 4, loaded: true },
      b: { messages: range("b", 8, 10), lastSeq: 10, loaded: true },
      c: { messages: [], lastSeq: 7, loaded: false }, // not opened: only its counter moves
    };
    const server = fakeServer({ a: 17, b: 11, c: 9 }, 5);
    const done = await fillGaps({
      logs: () => logs,
      sync: server.sync,
      apply: (room, ms) => {
        const l = logs[room];
        const newest = ms.length ? ms[ms.length - 1].seq : 0;
        logs[room] = { ...l, messages: l.loaded ? mergeMessages(l.messages, ms) : l.messages, lastSeq: Math.max(l.lastSeq, newest) };
      },
    });
    expect(done).toBe(true);
    expect(logs.a.messages.map((m) => m.seq)).toEqual(range("a", 1, 17).map((m) => m.seq));
    expect(logs.b.messages.map((m) => m.seq)).toEqual([8, 9, 10, 11]);
    expect(logs.c).toMatchObject({ messages: [], lastSeq: 9 });
    expect(server.calls[0]).toEqual({ a: 4, b: 10, c: 7 });
    expect(server.calls).toHaveLength(3); // a: 5..9, 10..14, 15..17
  });

  it("live messages landing between rounds are merged once", async () => {
    let log = range("a", 1, 2);
    const server = fakeServer({ a: 9 }, 3);
    let round = 0;
    await fillGaps({
      logs: () => ({ a: { messages: log, lastSeq: 0 } }),
      sync: async (cursors) => {
        const answer = await server.sync(cursors);
        if (round++ === 0) log = mergeMessages(log, [msg("a", 9), msg("a", 4)]); // live, out of order, racing the page
        return answer;
      },
      apply: (_room, ms) => (log = mergeMessages(log, ms)),
    });
    expect(log.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(holes(log)).toEqual([]);
  });

  it("gives up after maxRounds so the caller can start the log over", async () => {
    const log = range("a", 1, 1);
    const server = fakeServer({ a: 1000 }, 10);
    const done = await fillGaps({ logs: () => ({ a: { messages: log, lastSeq: 0 } }), sync: server.sync, apply: () => undefined }, 3);
    expect(done).toBe(false);
    expect(server.calls).toHaveLength(3);
  });
});
