// The store as one session's effects see it. Answers and timers may land
// after a logout, or under the next account: once the scope is closed,
// whatever they dispatch is dropped, so no effect needs its own guard.
import type { Store } from "../store";
import type { Action } from "../state/actions";
import type { AppState } from "../state/model";

export type AppStore = Store<AppState, Action>;

export interface Scope {
  get(): AppState;
  dispatch(a: Action): void;
  readonly closed: boolean;
}

export function openScope(store: AppStore): Scope & { close(): void } {
  let closed = false;
  return {
    get: () => store.get(),
    dispatch: (a) => {
      if (!closed) store.dispatch(a);
    },
    get closed() {
      return closed;
    },
    close: () => {
      closed = true;
    },
  };
}
