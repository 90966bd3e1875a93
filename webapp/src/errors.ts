// One error type for REST answers and Socket.IO acks alike.

export class ParleyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ParleyError";
  }
}

/** Codes a retry with the same request may fix on its own. */
export function isTransient(code: string): boolean {
  return code === "UNAVAILABLE" || code === "TIMEOUT" || code === "OFFLINE";
}
