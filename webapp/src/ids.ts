/** A random id for clientMsgId (crypto.randomUUID needs a secure context; this does not). */
export function newClientMsgId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return "w-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
