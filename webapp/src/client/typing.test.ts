import { describe, expect, it } from "vitest";
import { TypingSignal } from "./typing";

function setup() {
  let now = 0;
  const sent: Array<[string, boolean]> = [];
  const wire = { connected: true, typing: async (room: string, typing: boolean) => void sent.push([room, typing]) };
  return { sent, wire, signal: new TypingSignal(wire, () => now), tick: (ms: number) => (now += ms) };
}

describe("TypingSignal", () => {
  it("sends a start at most every few seconds while typing", () => {
    const { sent, signal, tick } = setup();
    tick(10_000);
    signal.set("lobby", true);
    tick(1000);
    signal.set("lobby", true);
    tick(2500);
    signal.set("lobby", true);
    expect(sent).toEqual([
      ["lobby", true],
      ["lobby", true],
    ]);
  });

  it("sends a stop only after a start", () => {
    const { sent, signal, tick } = setup();
    signal.set("lobby", false);
    tick(10_000);
    signal.set("lobby", true);
    signal.set("lobby", false);
    signal.set("lobby", false);
    expect(sent).toEqual([
      ["lobby", true],
      ["lobby", false],
    ]);
  });

  it("sends nothing while disconnected", () => {
    const { sent, wire, signal, tick } = setup();
    wire.connected = false;
    tick(10_000);
    signal.set("lobby", true);
    expect(sent).toEqual([]);
  });
});
