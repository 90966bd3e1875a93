// Delivering my messages. Every attempt reuses the clientMsgId, so a send
// whose ack was lost is answered with the stored original, never stored
// twice. Lost connections and timeouts retry on their own; an answer from
// the server (rate limited, too large...) waits for a manual retry.
import { ParleyError, isTransient } from "../errors";
import { newClientMsgId } from "../ids";
import type { Attachment, Quote } from "../types";
import type { Scope } from "./scope";
import type { Wire } from "./wire";

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const SEND_TIMEOUT_MS = 10_000;

export class Outbox {
  private inFlight = new Set<string>();
  private timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private scope: Scope,
    private wire: Pick<Wire, "connected" | "send">,
  ) {}

  /** attachments: uploaded files; with some, the text may be empty. */
  send(room: string, text: string, replyTo?: Quote, attachments: Attachment[] = []): void {
    const body = text.trim();
    if (!body && attachments.length === 0) return;
    const clientMsgId = newClientMsgId();
    this.scope.dispatch({
      type: "send/queued",
      room,
      clientMsgId,
      text: body,
      createdAt: new Date().toISOString(),
      ...(replyTo ? { replyTo } : {}),
      ...(attachments.length ? { attachments } : {}),
    });
    void this.attempt(room, clientMsgId);
  }

  retry(room: string, clientMsgId: string): void {
    this.scope.dispatch({ type: "send/retried", room, clientMsgId });
    void this.attempt(room, clientMsgId);
  }

  discard(room: string, clientMsgId: string): void {
    this.scope.dispatch({ type: "send/discarded", room, clientMsgId });
  }

  /** After a (re)connect: what waited for the connection goes out. */
  resendAll(): void {
    for (const r of Object.values(this.scope.get().chat.rooms)) {
      for (const p of r.pending) if (p.status === "sending") void this.attempt(r.room.id, p.clientMsgId);
    }
  }

  cancel(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async attempt(room: string, clientMsgId: string): Promise<void> {
    const p = this.scope.get().chat.rooms[room]?.pending.find((x) => x.clientMsgId === clientMsgId);
    if (!p || p.status !== "sending" || this.inFlight.has(clientMsgId)) return;
    if (!this.wire.connected) return; // resendAll runs on connect
    this.inFlight.add(clientMsgId);
    this.scope.dispatch({ type: "send/attempted", room, clientMsgId });
    try {
      const message = await this.wire.send(room, p.text, clientMsgId, SEND_TIMEOUT_MS, p.replyTo?.id, p.attachments?.map((a) => a.id));
      this.scope.dispatch({ type: "send/acked", room, message });
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError("INTERNAL", String(err));
      if (isTransient(e.code) && p.attempts + 1 < RETRY_DELAYS_MS.length) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.attempt(room, clientMsgId);
        }, RETRY_DELAYS_MS[p.attempts]);
        this.timers.add(timer);
      } else if (e.code !== "OFFLINE") {
        this.scope.dispatch({ type: "send/failed", room, clientMsgId, error: { code: e.code, message: e.message } });
      } // else it waits for the connection: resendAll picks it up
    } finally {
      this.inFlight.delete(clientMsgId);
    }
  }
}
