// A minimal reducer store and the Preact hook that reads a slice of it.
import { useEffect, useReducer, useRef } from "preact/hooks";

export interface Store<S, A> {
  get(): S;
  dispatch(action: A): void;
  /** Called after every change of the state (views re-render from it). */
  subscribe(fn: () => void): () => void;
  /**
   * Called after every action with the state before and after it, changed
   * or not: effects react to what happened, not only to what it changed.
   */
  observe(fn: (action: A, before: S, after: S) => void): () => void;
}

export function createStore<S, A>(reduce: (s: S, a: A) => S, initial: S): Store<S, A> {
  let state = initial;
  const subs = new Set<() => void>();
  const observers = new Set<(action: A, before: S, after: S) => void>();
  return {
    get: () => state,
    dispatch(action) {
      const before = state;
      state = reduce(state, action);
      if (state !== before) for (const f of [...subs]) f();
      for (const f of [...observers]) f(action, before, state);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    observe(fn) {
      observers.add(fn);
      return () => observers.delete(fn);
    },
  };
}

/** Re-renders the component when select(state) changes (by Object.is). */
export function useStore<S, A, T>(store: Store<S, A>, select: (s: S) => T): T {
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
