// What an action calls for beyond the state change: decided here, purely,
// from the action and the state before and after it; chat.ts carries it out.
import { leavesGap, newestSeq } from "../merge";
import type { Action } from "../state/actions";
import type { AppState } from "../state/model";

export type Reaction = { kind: "resync" } | { kind: "markRead"; room: string } | { kind: "signOut" };

const resync: Reaction = { kind: "resync" };

export function reactionsTo(a: Action, before: AppState, after: AppState): Reaction[] {
  switch (a.type) {
    case "socket/connected":
      return [resync]; // whatever happened while away
    case "session/rejected":
      return [{ kind: "signOut" }];
    case "message/received": {
      const m = a.message;
      const r = before.chat.rooms[m.room];
      if (!r) return [resync]; // a room I was just added to (a DM, an invite)
      const out: Reaction[] = [];
      // messages between were missed (a dropped connection): fetch them
      if (r.loaded && leavesGap(r.messages, m.seq)) out.push(resync);
      if (after.chat.active === m.room) out.push({ kind: "markRead", room: m.room });
      return out;
    }
    case "send/acked":
      return after.chat.active === a.room ? [{ kind: "markRead", room: a.room }] : [];
    case "member/changed":
      // I was added or removed elsewhere: my room list changed
      return a.user.id === after.chat.session?.user.id ? [resync] : [];
    case "history/loaded": {
      // a message that arrived while the page was on its way was not kept
      // (the log was not open yet): fetch what the page does not reach
      const r = after.chat.rooms[a.room];
      return r && r.lastSeq > newestSeq(r.messages) ? [resync] : [];
    }
    default:
      return [];
  }
}
