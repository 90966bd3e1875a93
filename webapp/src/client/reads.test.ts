import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reduce } from "../state/reducer";
import { room, roomState, signedIn } from "../state/testing";
import { createStore } from "../store";
import { ReadCursors } from "./reads";
import { openScope } from "./scope";

function setup(visible = true) {
  const store = createStore(reduce, signedIn([roomState(room("lobby", { lastSeq: 5 }), { lastSeq: 5, readSeq: 1 })]));
  const told: Array<[string, number]> = [];
  const wire = { connected: true, read: async (r: string, seq: number) => void told.push([r, seq]) };
  return { store, told, reads: new ReadCursors(openScope(store), wire, () => visible) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("ReadCursors", () => {
  it("clears the unread count at once and tells the server once per burst", () => {
    const { store, told, reads } = setup();
    reads.mark("lobby");
    expect(store.get().chat.rooms.lobby.readSeq).toBe(5);
    reads.mark("lobby"); // nothing new since: no second dispatch, one timer
    expect(told).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(told).toEqual([["lobby", 5]]);
  });

  it("tells at once when flushed, and only once", () => {
    const { told, reads } = setup();
    reads.mark("lobby");
    reads.flush();
    expect(told).toEqual([["lobby", 5]]);
    vi.advanceTimersByTime(300);
    expect(told).toEqual([["lobby", 5]]);
  });

  it("reads nothing while the page is hidden", () => {
    const { store, told, reads } = setup(false);
    reads.mark("lobby");
    vi.advanceTimersByTime(300);
    expect(store.get().chat.rooms.lobby.readSeq).toBe(1);
    expect(told).toEqual([]);
  });

  it("drops a pending cursor on cancel", () => {
    const { told, reads } = setup();
    reads.mark("lobby");
    reads.cancel();
    vi.advanceTimersByTime(300);
    expect(told).toEqual([]);
  });
});
