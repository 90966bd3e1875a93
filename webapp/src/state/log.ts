// Room logs: pages of history, live messages, sync answers, acks of my
// sends, tombstones and assistant replies streaming in. merge.ts keeps a
// log sorted by seq without duplicates whatever the order of arrival.
import { mergeMessages, newestSeq, settlePending } from "../merge";
import { addMentions } from "../notify";
import { applyDelta, endStreams } from "../streams";
import type { Message } from "../types";
import type { ActionOf } from "./actions";
import { applyChanges, applyToQuotes } from "./changes";
import { withRoom, type ChatState } from "./model";
import { stopTyping } from "./typing";

/**
 * Adds stored messages to a room: into its log once history is loaded
 * (before that the log would not be the room's newest tail), else only its
 * counters. My own messages settle their pending copies and count as read.
 */
function applyConfirmed(s: ChatState, id: string, messages: readonly Message[]): ChatState {
  if (messages.length === 0) return s;
  const myId = s.session?.user.id ?? "";
  return withRoom(s, id, (r) => {
    const mine = messages.filter((m) => m.sender.id === myId).reduce((n, m) => Math.max(n, m.seq), 0);
    return {
      ...r,
      messages: r.loaded ? mergeMessages(r.messages, messages) : r.messages,
      lastSeq: Math.max(r.lastSeq, newestSeq(messages)),
      readSeq: Math.max(r.readSeq, mine),
      pending: settlePending(r.pending, messages, myId),
      streams: endStreams(r.streams, messages),
      mentions: addMentions(r.mentions, messages, s.session?.user, r.readSeq),
    };
  });
}

export function messageReceived(s: ChatState, a: ActionOf<"message/received">): ChatState {
  const m = a.message;
  return stopTyping(applyConfirmed(s, m.room, [m]), m.room, m.sender.id);
}

/** New messages, then the changes to those held; the room's rev moves to the answer's. */
export function syncPage(s: ChatState, a: ActionOf<"sync/page">): ChatState {
  const next = applyChanged(applyConfirmed(s, a.room, a.messages), a.room, a.changes ?? [], true);
  if (a.rev === undefined) return next;
  return withRoom(next, a.room, (r) => (r.rev === a.rev ? r : { ...r, rev: a.rev! }));
}

/** Replaces held copies by id (and the quotes of them in replies). */
function applyChanged(s: ChatState, room: string, changes: readonly Message[], exact: boolean): ChatState {
  if (changes.length === 0) return s;
  const username = s.session?.user.username ?? "";
  return withRoom(s, room, (r) => {
    const messages = applyToQuotes(applyChanges(r.messages, changes, username, exact), changes);
    return messages === r.messages ? r : { ...r, messages };
  });
}

export const messageUpdated = (s: ChatState, a: ActionOf<"message/updated">) => applyChanged(s, a.message.room, [a.message], !!a.exact);

export const sendAcked = (s: ChatState, a: ActionOf<"send/acked">) => applyConfirmed(s, a.room, [a.message]);

/** The room's newest page: from now on its log is kept. */
export function historyLoaded(s: ChatState, a: ActionOf<"history/loaded">): ChatState {
  const myId = s.session?.user.id ?? "";
  return withRoom(s, a.room, (r) => ({
    ...r,
    loaded: true,
    hasMoreBefore: a.page.hasMore,
    messages: mergeMessages(r.messages, a.page.messages),
    lastSeq: Math.max(r.lastSeq, newestSeq(a.page.messages)),
    pending: settlePending(r.pending, a.page.messages, myId),
  }));
}

export const olderRequested = (s: ChatState, a: ActionOf<"older/requested">) =>
  withRoom(s, a.room, (r) => (r.loadingOlder ? r : { ...r, loadingOlder: true }));

export const olderLoaded = (s: ChatState, a: ActionOf<"older/loaded">) =>
  withRoom(s, a.room, (r) => ({ ...r, loadingOlder: false, hasMoreBefore: a.page.hasMore, messages: mergeMessages(r.messages, a.page.messages) }));

export const olderFailed = (s: ChatState, a: ActionOf<"older/failed">) =>
  withRoom(s, a.room, (r) => (r.loadingOlder ? { ...r, loadingOlder: false } : r));

/** Opened logs are emptied, to be loaded again from their newest page. */
export function syncOverflowed(s: ChatState): ChatState {
  let next = s;
  for (const [id, r] of Object.entries(s.rooms)) {
    if (r.loaded) next = withRoom(next, id, (x) => ({ ...x, messages: [], loaded: false }));
  }
  return next;
}

export function messageDeleted(s: ChatState, a: ActionOf<"message/deleted">): ChatState {
  return withRoom(s, a.room, (r) => {
    if (!r.messages.some((m) => m.id === a.id)) return r;
    return { ...r, messages: r.messages.map((m) => (m.id === a.id ? { ...m, deleted: true, text: "" } : m)) };
  });
}

/** The streaming reply is shown as the room's bot, when the member list names it. */
export function streamDelta(s: ChatState, a: ActionOf<"stream/delta">): ChatState {
  return withRoom(s, a.delta.room, (r) => {
    const bot = r.members?.find((u) => u.kind === "bot") ?? null;
    const streams = applyDelta(r.streams, a.delta, r.messages, bot, a.at);
    return streams === r.streams ? r : { ...r, streams };
  });
}
