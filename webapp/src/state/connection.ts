// The socket's state as the person sees it: the banner shows "Connecting…"
// until the first connect, "Reconnecting…" after any loss.
import type { ChatState, Connection } from "./model";

function withConnection(s: ChatState, connection: Connection): ChatState {
  return s.connection === connection ? s : { ...s, connection };
}

export const socketConnecting = (s: ChatState) => withConnection(s, "connecting");
export const socketConnected = (s: ChatState) => withConnection(s, "online");
export const socketDisconnected = (s: ChatState) => withConnection(s, "reconnecting");

/** A failed attempt is no news while the first one is still being made. */
export const socketConnectFailed = (s: ChatState) => withConnection(s, s.connection === "connecting" ? "connecting" : "reconnecting");
