// "… is typing": shown for a while after each signal, since a stop signal
// may never come (a closed tab).
import type { ActionOf } from "./actions";
import { withRoom, type ChatState } from "./model";

export const TYPING_SHOWN_MS = 6000;

export function typingChanged(s: ChatState, a: ActionOf<"typing/changed">): ChatState {
  if (a.user.id === s.session?.user.id) return s; // my other tabs
  return withRoom(s, a.room, (r) => {
    const typing = { ...r.typing };
    if (a.typing) typing[a.user.id] = { user: a.user, until: a.now + TYPING_SHOWN_MS };
    else if (typing[a.user.id]) delete typing[a.user.id];
    else return r;
    return { ...r, typing };
  });
}

export function typingExpired(s: ChatState, a: ActionOf<"typing/expired">): ChatState {
  let next = s;
  for (const [id, r] of Object.entries(s.rooms)) {
    const stale = Object.entries(r.typing).filter(([, v]) => v.until <= a.now);
    if (stale.length === 0) continue;
    const typing = { ...r.typing };
    for (const [k] of stale) delete typing[k];
    next = withRoom(next, id, (x) => ({ ...x, typing }));
  }
  return next;
}

/** A message ends its sender's typing at once. */
export function stopTyping(s: ChatState, room: string, userId: string): ChatState {
  return withRoom(s, room, (r) => {
    if (!r.typing[userId]) return r;
    const typing = { ...r.typing };
    delete typing[userId];
    return { ...r, typing };
  });
}
