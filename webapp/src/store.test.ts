import { describe, expect, it } from "vitest";
import { createStore } from "./store";

type A = { type: "add"; n: number } | { type: "noop" };
const reduce = (s: { n: number }, a: A) => (a.type === "add" ? { n: s.n + a.n } : s);

describe("createStore", () => {
  it("reduces actions and tells subscribers about changes only", () => {
    const store = createStore(reduce, { n: 1 });
    let renders = 0;
    store.subscribe(() => renders++);
    store.dispatch({ type: "add", n: 2 });
    store.dispatch({ type: "noop" });
    expect(store.get()).toEqual({ n: 3 });
    expect(renders).toBe(1);
  });

  it("shows observers every action with the state before and after", () => {
    const store = createStore(reduce, { n: 1 });
    const seen: Array<[string, number, number]> = [];
    store.observe((a, before, after) => seen.push([a.type, before.n, after.n]));
    store.dispatch({ type: "add", n: 2 });
    store.dispatch({ type: "noop" });
    expect(seen).toEqual([
      ["add", 1, 3],
      ["noop", 3, 3],
    ]);
  });

  it("lets an observer dispatch in turn", () => {
    const store = createStore(reduce, { n: 0 });
    store.observe((a) => {
      if (a.type === "add" && a.n === 1) store.dispatch({ type: "add", n: 10 });
    });
    store.dispatch({ type: "add", n: 1 });
    expect(store.get()).toEqual({ n: 11 });
  });
});
