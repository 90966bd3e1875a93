// My "typing" signal: sent at most every few seconds while I type (others
// show it for longer), and a stop only after a start.
import type { Wire } from "./wire";

const RESEND_MS = 3000;

export class TypingSignal {
  private sent = new Map<string, number>();

  constructor(
    private wire: Pick<Wire, "connected" | "typing">,
    private now: () => number = Date.now,
  ) {}

  set(room: string, typing: boolean): void {
    if (!this.wire.connected) return;
    const last = this.sent.get(room) ?? 0;
    if (typing && this.now() - last < RESEND_MS) return;
    if (!typing && last === 0) return;
    this.sent.set(room, typing ? this.now() : 0);
    void this.wire.typing(room, typing).catch(() => undefined);
  }

  reset(): void {
    this.sent.clear();
  }
}
