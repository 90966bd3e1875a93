import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ChatClient } from "./chat";
import type { AppState } from "./state/model";
import { useStore } from "./store";

export const ClientContext = createContext<ChatClient | null>(null);

export function useClient(): ChatClient {
  const c = useContext(ClientContext);
  if (!c) throw new Error("no ChatClient in context");
  return c;
}

/** A slice of the app state; the component re-renders when it changes. */
export function useChat<T>(select: (s: AppState) => T): T {
  return useStore(useClient().store, select);
}
