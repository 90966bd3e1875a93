// @mentions: the autocomplete in the composer, and which link targets are
// safe to open (markdown.ts finds mentions and links in messages).
import type { User } from "./types";

const NAME_CHARS = /[a-z0-9_.-]/i;

/** The `@query` being typed at the caret, or null. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  let i = caret;
  while (i > 0 && NAME_CHARS.test(text[i - 1])) i--;
  if (i === 0 || text[i - 1] !== "@") return null;
  const at = i - 1;
  if (at > 0 && !/[\s([{"'“‘,;:]/.test(text[at - 1])) return null; // an e-mail address, not a mention
  const query = text.slice(i, caret);
  if (query.length > 32) return null;
  return { start: at, query };
}

/**
 * Who may be mentioned in a room: its members, and in group rooms the
 * assistant (it answers everywhere) even before a member list names it.
 */
export function mentionCandidates(members: readonly User[] | null, roomKind: "group" | "direct", assistant: User | null): User[] {
  const list = [...(members ?? [])];
  if (roomKind === "group" && assistant && !list.some((u) => u.username === assistant.username)) list.push(assistant);
  return list;
}

/**
 * Members matching query, best first: username prefix, then display-name
 * prefix, then anywhere; the assistant is always offered when it matches.
 */
export function suggestMembers(members: readonly User[], query: string, exclude?: string, limit = 8): User[] {
  const q = query.toLowerCase();
  const scored: Array<[number, User]> = [];
  for (const u of members) {
    if (u.id === exclude || u.username === exclude) continue;
    const name = u.username.toLowerCase();
    const display = u.displayName.toLowerCase();
    let score: number;
    if (name.startsWith(q)) score = 0;
    else if (display.startsWith(q)) score = 1;
    else if (name.includes(q) || display.includes(q)) score = 2;
    else continue;
    scored.push([score, u]);
  }
  scored.sort((a, b) => a[0] - b[0] || kindRank(a[1]) - kindRank(b[1]) || a[1].username.localeCompare(b[1].username));
  return scored.slice(0, limit).map(([, u]) => u);
}

/**
 * The menu for a query: matching members first, then people found on the
 * server who are not members, up to limit in all. The found people are
 * matched against the query again, since they may answer an older one.
 */
export function mergeSuggestions(members: readonly User[], people: readonly User[], query: string, exclude?: string, limit = 8): User[] {
  const first = suggestMembers(members, query, exclude, limit);
  const seen = new Set(members.flatMap((m) => [m.id, m.username]));
  const outside = people.filter((p) => !seen.has(p.id) && !seen.has(p.username));
  return [...first, ...suggestMembers(outside, query, exclude, limit - first.length)];
}

function kindRank(u: User): number {
  return u.kind === "bot" ? 0 : 1;
}

/** Replaces the `@query` at start..caret with `@username ` and returns the new text and caret. */
export function insertMention(text: string, start: number, caret: number, username: string): { text: string; caret: number } {
  const before = text.slice(0, start);
  let after = text.slice(caret);
  if (after.startsWith(" ")) after = after.slice(1);
  const inserted = `@${username} `;
  return { text: before + inserted + after, caret: before.length + inserted.length };
}

/** The URL if its scheme is allowed, else null. */
export function safeHref(raw: string, schemes: readonly string[] = ["http:", "https:", "mailto:"]): string | null {
  try {
    const u = new URL(raw);
    return schemes.includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}
