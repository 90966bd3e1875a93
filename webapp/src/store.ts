// A minimal observable store and the Preact hook that reads a slice of it.
import { useEffect, useReducer, useRef } from "preact/hooks";

export interface Store<S> {
  get(): S;
  update(fn: (s: S) => S): void;
  subscribe(fn: () => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const subs = new Set<() => void>();
  return {
    get: () => state,
    update(fn) {
      const next = fn(state);
      if (next === state) return;
      state = next;
      for (const f of [...subs]) f();
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/** Re-renders the component when select(state) changes (by Object.is). */
export function useStore<S, T>(store: Store<S>, select: (s: S) => T): T {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const selected = select(store.get());
  const ref = useRef({ select, selected });
  ref.current = { select, selected };
  useEffect(
    () =>
      store.subscribe(() => {
        const { select: sel, selected: prev } = ref.current;
        let changed = true;
        try {
          changed = !Object.is(sel(store.get()), prev);
        } catch {
          // the slice is gone (signed out): the parent re-renders without us
        }
        if (changed) force(0);
      }),
    [store],
  );
  return selected;
}
