// Catching up after a (re)connect: ask `sync` for everything after the
// newest message each room's log holds, apply each page, and ask again
// while any room has more — live messages may land in between; the merge
// by seq makes the order of arrival irrelevant. Each room's rev goes along,
// so the answers also carry the held messages that changed meanwhile.
import { syncCursors } from "./merge";
import type { Message, SyncRoom } from "./types";

export interface GapFillPort {
  /** Every room's log as it stands now (lastSeq counts for rooms not opened). */
  logs(): Record<string, { messages: readonly Message[]; lastSeq: number; rev?: number }>;
  sync(cursors: Record<string, number>, revs: Record<string, number>): Promise<Record<string, SyncRoom>>;
  /** page: the whole answer for the room (its changes and rev). */
  apply(room: string, messages: Message[], page: SyncRoom): void;
}

/** Returns false when the rooms were still behind after maxRounds (the caller starts them over). */
export async function fillGaps(port: GapFillPort, maxRounds = 20): Promise<boolean> {
  for (let round = 0; round < maxRounds; round++) {
    const logs = port.logs();
    if (Object.keys(logs).length === 0) return true;
    const revs: Record<string, number> = {};
    for (const [id, log] of Object.entries(logs)) if (log.rev !== undefined) revs[id] = log.rev;
    const rooms = await port.sync(syncCursors(logs), revs);
    let more = false;
    for (const [id, page] of Object.entries(rooms ?? {})) {
      if (!logs[id]) continue; // a room joined meanwhile: the next room list brings it
      port.apply(id, page.messages ?? [], page);
      if (page.hasMore) more = true;
    }
    if (!more) return true;
  }
  return false;
}
