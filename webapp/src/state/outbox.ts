// Messages typed here and not yet stored by the server. They stay on
// screen, greyed, until the ack (or a sync) brings the stored message with
// the same clientMsgId; see log.ts for that side.
import type { PendingMessage } from "../merge";
import type { ActionOf } from "./actions";
import { withRoom, type ChatState } from "./model";

function patch(s: ChatState, room: string, clientMsgId: string, fn: (p: PendingMessage) => PendingMessage): ChatState {
  return withRoom(s, room, (r) => {
    if (!r.pending.some((p) => p.clientMsgId === clientMsgId)) return r;
    return { ...r, pending: r.pending.map((p) => (p.clientMsgId === clientMsgId ? fn(p) : p)) };
  });
}

export function sendQueued(s: ChatState, a: ActionOf<"send/queued">): ChatState {
  const p: PendingMessage = { clientMsgId: a.clientMsgId, room: a.room, text: a.text, createdAt: a.createdAt, status: "sending", attempts: 0 };
  if (a.replyTo) p.replyTo = a.replyTo;
  if (a.attachments?.length) p.attachments = a.attachments;
  return withRoom(s, a.room, (r) => ({ ...r, pending: [...r.pending, p] }));
}

export const sendAttempted = (s: ChatState, a: ActionOf<"send/attempted">) => patch(s, a.room, a.clientMsgId, (p) => ({ ...p, attempts: p.attempts + 1 }));

export const sendFailed = (s: ChatState, a: ActionOf<"send/failed">) =>
  patch(s, a.room, a.clientMsgId, (p) => ({ ...p, status: "failed", error: a.error }));

/** A manual retry starts a fresh series of automatic attempts. */
export const sendRetried = (s: ChatState, a: ActionOf<"send/retried">) =>
  patch(s, a.room, a.clientMsgId, ({ error: _, ...p }) => ({ ...p, status: "sending", attempts: 0 }));

export function sendDiscarded(s: ChatState, a: ActionOf<"send/discarded">): ChatState {
  return withRoom(s, a.room, (r) => {
    const pending = r.pending.filter((p) => p.clientMsgId !== a.clientMsgId);
    return pending.length === r.pending.length ? r : { ...r, pending };
  });
}
