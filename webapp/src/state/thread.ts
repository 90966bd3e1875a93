// The thread in the side panel: a message and its replies, loaded with
// `thread`, then kept up to date by the room's own traffic (new replies,
// edits, reactions, deletes) like the log is.
import { mergeMessages } from "../merge";
import type { Message } from "../types";
import type { Action, ActionOf } from "./actions";
import { applyChanges } from "./changes";
import type { ChatState, ThreadState } from "./model";

export function reduceThread(s: ChatState, a: ActionOf<"thread/opened" | "thread/loaded" | "thread/failed" | "thread/closed">): ChatState {
  const t = s.thread ?? null;
  switch (a.type) {
    case "thread/opened": {
      if (t && t.room === a.room && t.id === a.id && !t.error) return s; // already open: keep what it holds
      const root = s.rooms[a.room]?.messages.find((m) => m.id === a.id) ?? null;
      return { ...s, thread: { room: a.room, id: a.id, root, replies: [], hasMore: false, loading: true } };
    }
    case "thread/loaded": {
      if (!t || t.room !== a.room || t.id !== a.id) return s; // closed or another one opened meanwhile
      // live replies held meanwhile stay, unless the page says more come
      // between (they would then show out of place: "more" fetches them)
      const held = a.more || !a.thread.hasMore ? t.replies : [];
      const replies = mergeMessages(held, a.thread.replies);
      return { ...s, thread: { ...t, root: a.thread.root, replies, hasMore: a.thread.hasMore, loading: false, error: undefined } };
    }
    case "thread/failed":
      return t && t.room === a.room && t.id === a.id ? { ...s, thread: { ...t, loading: false, error: a.error } } : s;
    case "thread/closed":
      return t ? { ...s, thread: null } : s;
  }
}

/** The open thread after any other action: new replies join it, changed messages are replaced. */
export function followThread(s: ChatState, a: Action): ChatState {
  const t = s.thread;
  if (!t) return s;
  let next: ThreadState = t;
  switch (a.type) {
    case "room/opened":
    case "room/selected":
      return a.room === t.room ? s : { ...s, thread: null };
    case "message/received":
      next = withReplies(t, [a.message]);
      break;
    case "send/acked":
      next = withReplies(t, [a.message]);
      break;
    case "sync/page":
      if (a.room !== t.room) return s;
      next = withChanges(withReplies(t, a.messages), a.changes ?? [], s, true);
      break;
    case "message/updated":
      next = withChanges(t, [a.message], s, !!a.exact);
      break;
    case "message/deleted":
      if (a.room !== t.room) return s;
      next = withChanges(
        t,
        [t.root, ...t.replies].filter((m): m is Message => !!m && m.id === a.id).map((m) => ({ ...m, deleted: true, text: "" })),
        s,
        true,
      );
      break;
    default:
      return s;
  }
  return next === t ? s : { ...s, thread: next };
}

function withReplies(t: ThreadState, messages: readonly Message[]): ThreadState {
  const mine = messages.filter((m) => m.room === t.room && m.replyTo?.id === t.id);
  // while more replies wait on the server, a live one would show out of place: "more" brings it
  if (mine.length === 0 || t.hasMore) return t;
  return { ...t, replies: mergeMessages(t.replies, mine) };
}

function withChanges(t: ThreadState, changes: readonly Message[], s: ChatState, exact: boolean): ThreadState {
  const ours = changes.filter((m) => m.room === t.room);
  if (ours.length === 0) return t;
  const username = s.session?.user.username ?? "";
  const root = t.root ? applyChanges([t.root], ours, username, exact)[0] : null;
  const replies = applyChanges(t.replies, ours, username, exact);
  return root === t.root && replies === t.replies ? t : { ...t, root, replies };
}
