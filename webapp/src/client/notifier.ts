// Browser notifications of new messages while the tab is hidden, at each
// room's level (notify.ts). Permission is asked for only from a person's
// click (requestNotifications), never on load.
import { t } from "../i18n";
import { mentionsMe, shouldNotify } from "../notify";
import type { AppState } from "../state/model";
import type { Message, Room, User } from "../types";
import type { AppStore } from "./scope";

export type NotifyPermission = NotificationPermission | "unsupported";

export function notifyPermission(): NotifyPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Asks the browser for permission; call it from a click handler. */
export async function requestNotifications(): Promise<NotifyPermission> {
  if (typeof Notification === "undefined") return "unsupported";
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

const BODY_CHARS = 200;
// Remembered ids, so that a message seen twice (a resend, a resync) notifies once.
const SEEN_IDS = 200;
// Messages of rooms not listed yet (a DM someone just opened), until the list comes.
const WAITING = 20;

export class Notifier {
  private seen: string[] = [];
  private waiting: Message[] = [];

  constructor(
    store: AppStore,
    private open: (room: string) => void,
    private hidden: () => boolean = () => document.visibilityState === "hidden",
  ) {
    store.observe((a, before, after) => {
      if (a.type === "message/received") this.received(a.message, before, after);
      else if (a.type === "message/updated") this.edited(a.message, before, after);
      else if (a.type === "rooms/listed" && this.waiting.length > 0) {
        const waiting = this.waiting;
        this.waiting = [];
        for (const m of waiting) this.received(m, after, after);
      } else if (a.type === "session/ended" || a.type === "session/rejected") this.waiting = [];
    });
  }

  private received(m: Message, before: AppState, after: AppState): void {
    const me = after.chat.session?.user;
    if (!me || m.sender.id === me.id || this.seen.includes(m.id)) return;
    const r = after.chat.rooms[m.room];
    if (!r) {
      if (this.waiting.length < WAITING) this.waiting.push(m);
      return;
    }
    if (m.seq <= (before.chat.rooms[m.room]?.readSeq ?? 0)) return;
    this.show(m, r.room, me);
  }

  /** An edit that newly names me is a mention like a new message's, however old the message. */
  private edited(m: Message, before: AppState, after: AppState): void {
    const me = after.chat.session?.user;
    const r = after.chat.rooms[m.room];
    if (!me || !r || !m.editedAt || !mentionsMe(m, me) || this.seen.includes(m.id)) return;
    const held = before.chat.rooms[m.room]?.messages.find((x) => x.id === m.id);
    if (held && mentionsMe(held, me)) return;
    this.show(m, r.room, me);
  }

  private show(m: Message, room: Room, me: User): void {
    if (!this.hidden() || notifyPermission() !== "granted" || !shouldNotify(m, room, me)) return;
    this.seen = [...this.seen.slice(-(SEEN_IDS - 1)), m.id];
    const where = room.kind === "direct" ? t("directMessage") : `#${room.name}`;
    const title = t("notifyFrom", { sender: m.sender.displayName || m.sender.username, room: where });
    const text = m.text.length > BODY_CHARS ? `${m.text.slice(0, BODY_CHARS - 1)}…` : m.text;
    // a file sent without text still says something
    const count = m.attachments?.length ?? 0;
    const files = count === 0 ? "" : count === 1 ? t("filesOne") : t("filesMany", { n: count });
    const body = [text, files].filter(Boolean).join(" ");
    try {
      const n = new Notification(title, { body, tag: m.id });
      n.onclick = () => {
        window.focus();
        this.open(m.room);
        n.close();
      };
    } catch {
      /* some browsers only notify from a service worker: no notifications then */
    }
  }
}
