// The deployment's settings come before the first connection: the room to
// open and the assistant's name are the server's to say.
import { api } from "../api";
import type { Scope } from "./scope";

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/** Resolves once the config is in the state, or with false when the scope closed first. */
export async function loadConfig(scope: Scope): Promise<boolean> {
  for (let attempt = 0; !scope.get().config; attempt++) {
    if (scope.closed) return false;
    try {
      scope.dispatch({ type: "config/loaded", config: await api.config() });
    } catch {
      // the server restarting, or no network: the socket would not do better
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    }
  }
  return !scope.closed;
}
