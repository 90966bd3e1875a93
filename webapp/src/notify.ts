// When a message calls for a browser notification, and which messages
// count as mentioning me. The levels are the server's (docs/protocol.md
// §7.16): all, every message of someone else; mentions, those naming me;
// none, nothing. A room whose level I never chose: all in a direct room,
// mentions in a group room.
import type { Message, NotifyLevel, Room, User } from "./types";

export function levelOf(room: Room): NotifyLevel {
  return room.notify ?? (room.kind === "direct" ? "all" : "mentions");
}

export function mentionsMe(m: Message, me: Pick<User, "id" | "username">): boolean {
  return m.sender.id !== me.id && !m.deleted && m.mentions.includes(me.username);
}

/** Whether m, just received in room, is worth a notification at the room's level. */
export function shouldNotify(m: Message, room: Room, me: Pick<User, "id" | "username">): boolean {
  if (m.sender.id === me.id || m.deleted) return false;
  switch (levelOf(room)) {
    case "all":
      return true;
    case "mentions":
      return mentionsMe(m, me);
    default:
      return false;
  }
}

/** Adds the seqs of the messages after readSeq that mention me to seqs (sorted, no duplicates). */
export function addMentions(seqs: number[], messages: readonly Message[], me: User | undefined, readSeq: number): number[] {
  if (!me) return seqs;
  const fresh = messages.filter((m) => m.seq > readSeq && mentionsMe(m, me) && !seqs.includes(m.seq)).map((m) => m.seq);
  if (fresh.length === 0) return seqs;
  return [...seqs.filter((s) => s > readSeq), ...fresh].sort((a, b) => a - b);
}
