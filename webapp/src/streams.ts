// Assistant replies in progress: `message:stream` deltas accumulate by
// streamId until the final `message` carrying the same streamId replaces them.
import type { Message, StreamDelta, User } from "./types";

export interface LiveStream {
  text: string;
  sender: User | null;
  startedAt: string;
  done: boolean;
}

export type Streams = Record<string, LiveStream>;

/** Adds a delta; ignored when the final message is already in the log. */
export function applyDelta(streams: Streams, d: StreamDelta, log: readonly Message[], sender: User | null, now: string): Streams {
  if (!d.streamId || log.some((m) => m.streamId === d.streamId)) return streams;
  const prev = streams[d.streamId];
  return {
    ...streams,
    [d.streamId]: {
      text: (prev?.text ?? "") + (typeof d.delta === "string" ? d.delta : ""),
      sender: prev?.sender ?? sender,
      startedAt: prev?.startedAt ?? now,
      done: !!d.done || !!prev?.done,
    },
  };
}

/** Drops the streams whose final message arrived. */
export function endStreams(streams: Streams, arrived: readonly Message[]): Streams {
  const ended = arrived.filter((m) => m.streamId && streams[m.streamId]);
  if (ended.length === 0) return streams;
  const next = { ...streams };
  for (const m of ended) delete next[m.streamId!];
  return next;
}
