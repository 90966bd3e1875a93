// A room's log on the client: confirmed messages sorted by seq without
// duplicates, whatever order pages, live events and sync answers arrive in.
import type { Attachment, Message, Quote } from "./types";

/** Union of two logs by seq (an id seen twice is one message); a later copy wins (tombstones). */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const last = existing.length ? existing[existing.length - 1].seq : 0;
  // fast path: a live message or a sync page strictly after what we hold
  if (isAscendingAfter(incoming, last)) return existing.concat(incoming);
  const bySeq = new Map<number, Message>();
  const seqOfId = new Map<string, number>();
  for (const list of [existing, incoming]) {
    for (const m of list) {
      const prev = seqOfId.get(m.id);
      if (prev !== undefined && prev !== m.seq) bySeq.delete(prev);
      bySeq.set(m.seq, m);
      seqOfId.set(m.id, m.seq);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isAscendingAfter(list: readonly Message[], after: number): boolean {
  let prev = after;
  for (const m of list) {
    if (m.seq <= prev) return false;
    prev = m.seq;
  }
  return true;
}

export function newestSeq(list: readonly Message[]): number {
  return list.length ? list[list.length - 1].seq : 0;
}

export function oldestSeq(list: readonly Message[]): number {
  return list.length ? list[0].seq : 0;
}

/**
 * Whether a live message leaves a hole after what the log holds: the
 * messages between were missed (a dropped connection) and must be fetched.
 * An empty log has no hole: it is filled from history when opened.
 */
export function leavesGap(list: readonly Message[], incomingSeq: number): boolean {
  return list.length > 0 && incomingSeq > newestSeq(list) + 1;
}

/** Seq ranges [from, to] missing inside the log (should stay empty). */
export function holes(list: readonly Message[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 1; i < list.length; i++) {
    if (list[i].seq > list[i - 1].seq + 1) out.push([list[i - 1].seq + 1, list[i].seq - 1]);
  }
  return out;
}

/** A message typed here, not yet acknowledged by the server. */
export interface PendingMessage {
  clientMsgId: string;
  room: string;
  text: string;
  createdAt: string;
  status: "sending" | "failed";
  /** The message this one answers. */
  replyTo?: Quote;
  /** Uploaded files it carries. */
  attachments?: Attachment[];
  attempts: number;
  error?: { code: string; message: string };
}

/** Drops the pending messages the server has now stored (same sender, same clientMsgId). */
export function settlePending(
  pending: readonly PendingMessage[],
  confirmed: readonly Message[],
  myId: string,
): PendingMessage[] {
  if (pending.length === 0) return pending as PendingMessage[];
  const done = new Set(confirmed.filter((m) => m.sender.id === myId && m.clientMsgId).map((m) => m.clientMsgId));
  if (done.size === 0) return pending as PendingMessage[];
  const left = pending.filter((p) => !done.has(p.clientMsgId));
  return left.length === pending.length ? (pending as PendingMessage[]) : left;
}

/**
 * The newest seq before the first hole: everything up to it is held.
 * A live message that arrived past a gap sits beyond it until the gap is
 * fetched.
 */
export function contiguousEnd(list: readonly Message[]): number {
  for (let i = 1; i < list.length; i++) {
    if (list[i].seq !== list[i - 1].seq + 1) return list[i - 1].seq;
  }
  return newestSeq(list);
}

/**
 * Cursors for `sync`: for every room, the seq up to which this client
 * holds the log without a hole (or the lastSeq it knows of, for rooms it
 * has not opened), so the answer is what it missed.
 */
export function syncCursors(logs: Record<string, { messages: readonly Message[]; lastSeq: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, log] of Object.entries(logs)) {
    out[id] = log.messages.length ? contiguousEnd(log.messages) : log.lastSeq;
  }
  return out;
}
