// Read cursors: advanced here at once (the badge clears), told to the
// server a moment later and once per burst, since every message arriving
// in the open room moves it.
import type { Scope } from "./scope";
import type { Wire } from "./wire";

const DEBOUNCE_MS = 250;

export class ReadCursors {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private scope: Scope,
    private wire: Pick<Wire, "connected" | "read">,
    private visible: () => boolean,
  ) {}

  /** Everything in the room is read, if the person can see it. */
  mark(room: string): void {
    if (!this.visible()) return;
    const r = this.scope.get().chat.rooms[room];
    if (!r || r.lastSeq <= r.readSeq) return;
    this.scope.dispatch({ type: "room/read", room });
    clearTimeout(this.timers.get(room));
    this.timers.set(
      room,
      setTimeout(() => {
        this.timers.delete(room);
        this.tell(room);
      }, DEBOUNCE_MS),
    );
  }

  /** Tells the server now: the room is being left, or the page. */
  flush(): void {
    for (const [room, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(room);
      this.tell(room);
    }
  }

  /** Signing out: nothing more is told. */
  cancel(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private tell(room: string): void {
    const seq = this.scope.get().chat.rooms[room]?.readSeq;
    // a lost one is harmless: the next read or sync moves the cursor
    if (seq && this.wire.connected) void this.wire.read(room, seq).catch(() => undefined);
  }
}
