// Changes to messages a client already holds (edits, reactions, deletes):
// the new copy replaces the old one by id. message:updated goes to the
// whole room, so its reactions never say which are mine: that is kept
// from the copy held, unless the new copy's users settle it.
import type { Message, Reaction } from "../types";

/**
 * The reactions of a broadcast copy with `me` worked out for username:
 * mine when my name is among the users; not mine when the list is complete
 * and lacks it; otherwise (the list is cut) as the held copy had it.
 */
export function reactionsFor(incoming: readonly Reaction[], held: readonly Reaction[] | undefined, username: string): Reaction[] {
  return incoming.map((r) => {
    let me = r.users.includes(username);
    if (!me && r.count > r.users.length) me = !!held?.find((h) => h.emoji === r.emoji)?.me;
    return me === r.me ? r : { ...r, me };
  });
}

/** An older copy than the one held (answers can overtake one another) changes nothing. */
function isOlder(incoming: Message, held: Message): boolean {
  return incoming.rev !== undefined && held.rev !== undefined && incoming.rev < held.rev;
}

/**
 * The list with each held message replaced by its changed copy; ids not held
 * are ignored (a change to a message the log does not reach). exact: the
 * copies were made for me (acks, sync answers), so their `me` is right;
 * otherwise it is worked out for username. Unchanged lists come back as is.
 */
export function applyChanges(list: readonly Message[], changes: readonly Message[], username: string, exact: boolean): Message[] {
  if (changes.length === 0 || list.length === 0) return list as Message[];
  const byId = new Map(changes.map((m) => [m.id, m]));
  let changed = false;
  const out = list.map((held) => {
    const m = byId.get(held.id);
    if (!m || isOlder(m, held)) return held;
    changed = true;
    return exact || !m.reactions ? m : { ...m, reactions: reactionsFor(m.reactions, held.reactions, username) };
  });
  return changed ? out : (list as Message[]);
}

/** Quotes of the changed messages in replies to them follow (an edit, a delete). */
export function applyToQuotes(list: readonly Message[], changes: readonly Message[]): Message[] {
  if (changes.length === 0) return list as Message[];
  const byId = new Map(changes.map((m) => [m.id, m]));
  let changed = false;
  const out = list.map((m) => {
    const q = m.replyTo && byId.get(m.replyTo.id);
    if (!q || !m.replyTo) return m;
    const text = q.deleted ? "" : quoteText(q.text);
    if (text === m.replyTo.text && !!q.deleted === !!m.replyTo.deleted) return m;
    changed = true;
    return { ...m, replyTo: { ...m.replyTo, text, deleted: q.deleted || undefined } };
  });
  return changed ? out : (list as Message[]);
}

const MAX_QUOTE = 200;

/** As the server cuts a quote. */
export function quoteText(text: string): string {
  const runes = [...text];
  return runes.length > MAX_QUOTE ? runes.slice(0, MAX_QUOTE - 1).join("") + "…" : text;
}
