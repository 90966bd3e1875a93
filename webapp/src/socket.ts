// The Socket.IO connection and ack'd calls (docs/protocol.md §6-§8).
import { io, type Socket } from "socket.io-client";
import { ParleyError } from "./errors";

export function openSocket(token: () => string): Socket {
  return io({
    auth: (cb) => cb({ token: token() }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    timeout: 8000,
  });
}

/** Emits event with payload and resolves with the ok ack, or throws its error. */
export async function call<T = Record<string, unknown>>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  if (!socket.connected) throw new ParleyError("OFFLINE", "not connected");
  let ack: { ok?: boolean; error?: { code?: string; message?: string } } & Record<string, unknown>;
  try {
    ack = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new ParleyError("TIMEOUT", `no answer to ${event}`);
  }
  if (!ack || ack.ok !== true) {
    throw new ParleyError(ack?.error?.code ?? "INTERNAL", ack?.error?.message ?? `bad answer to ${event}`);
  }
  return ack as T;
}
