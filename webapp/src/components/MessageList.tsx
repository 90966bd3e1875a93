// The log of the open room: day separators, sender groups, pending sends
// and streaming replies; scroll-back loads history, new messages keep the
// view pinned to the bottom when it was there.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useChat, useClient } from "../context";
import { formatDay, t } from "../i18n";
import type { RoomState } from "../state/model";
import { assistantUser, canModerate, roomTitle } from "../state/selectors";
import type { Message, Quote, User } from "../types";
import { MessageItem, rowOf, type Row } from "./MessageItem";

const GROUP_GAP_MS = 5 * 60_000;

type Item = { kind: "day"; key: string; label: string } | { kind: "new"; key: string } | { kind: "row"; row: Row };

/** assistant: the sender of replies streaming in before a member list names the bot. */
export function buildItems(r: RoomState, me: User, assistant: User | null): Item[] {
  const rows: Omit<Row, "startsGroup">[] = [];
  const replies = replyCounts(r.messages);
  for (const m of r.messages) {
    rows.push({ ...rowOf(m), replyTo: m.replyTo, replies: replies.get(m.id) });
  }
  for (const [id, s] of Object.entries(r.streams)) {
    const sender = s.sender ?? assistant;
    if (!sender) continue; // deltas come over the socket, opened only once the config is known
    rows.push({ key: `stream-${id}`, sender, text: s.text, mentions: [], createdAt: s.startedAt, streaming: true });
  }
  for (const p of r.pending) {
    rows.push({ key: `pending-${p.clientMsgId}`, sender: me, text: p.text, mentions: [], createdAt: p.createdAt, pending: p, replyTo: p.replyTo, attachments: p.attachments });
  }
  const items: Item[] = [];
  let prev: Omit<Row, "startsGroup"> | null = null;
  let prevDay = "";
  let marked = r.unreadMarker === null;
  for (const row of rows) {
    if (!marked && row.seq !== undefined && row.seq > r.unreadMarker! && row.sender.id !== me.id) {
      items.push({ kind: "new", key: "new-messages" });
      marked = true;
      prev = null;
    }
    const day = new Date(row.createdAt).toDateString();
    if (day !== prevDay) {
      items.push({ kind: "day", key: `day-${day}`, label: formatDay(row.createdAt) });
      prevDay = day;
      prev = null;
    }
    const startsGroup =
      !prev ||
      prev.sender.id !== row.sender.id ||
      !!prev.streaming !== !!row.streaming ||
      Date.parse(row.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    items.push({ kind: "row", row: { ...row, startsGroup } });
    prev = row;
  }
  return items;
}

/** How many replies to each message the log holds. */
export function replyCounts(messages: readonly Message[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of messages) if (m.replyTo && !m.deleted) out.set(m.replyTo.id, (out.get(m.replyTo.id) ?? 0) + 1);
  return out;
}

export function MessageList({ room, me }: { room: RoomState; me: User }) {
  const client = useClient();
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const anchor = useRef<{ first: number; height: number; top: number } | null>(null);
  const [showJump, setShowJump] = useState(false);
  const config = useChat((s) => s.config);
  const items = useMemo(() => buildItems(room, me, assistantUser(config)), [room.messages, room.pending, room.streams, room.unreadMarker, me, config]);
  const id = room.room.id;
  const first = room.messages[0]?.seq ?? 0;
  const onRetry = useCallback((cid: string) => client.retry(id, cid), [id]);
  const onDiscard = useCallback((cid: string) => client.discard(id, cid), [id]);
  const onDelete = useCallback((mid: string) => void client.deleteMessage(id, mid).catch(() => undefined), [id]);
  const moderator = canModerate(room.room, me);
  const editing = useChat((s) => (s.ui.editing?.room === id ? s.ui.editing.id : null));
  const onEdit = useCallback(
    (mid: string | null) => {
      client.dispatch({ type: "ui/edit", message: mid ? { room: id, id: mid } : null });
      if (!mid) document.getElementById("composer")?.focus();
    },
    [id],
  );
  const onReact = useCallback((mid: string, emoji: string, add: boolean) => client.toggleReaction(id, mid, emoji, add), [id]);
  const onReply = useCallback(
    (quote: Quote) => {
      client.dispatch({ type: "ui/reply", room: id, quote });
      document.getElementById("composer")?.focus();
    },
    [id],
  );
  const onOpenThread = useCallback((mid: string) => client.openThread(id, mid), [id]);
  const [quoteMissing, setMissing] = useState("");
  const notice = useChat((s) => s.ui.notice ?? "");
  const missing = quoteMissing || notice;
  const onJump = useCallback(
    (q: Quote) => {
      setMissing("");
      void client.reveal(id, q.id, q.seq).then((found) => {
        if (!found) setMissing(t("quoteMissing"));
      });
    },
    [id],
  );
  const highlight = useChat((s) => (s.ui.highlight?.room === id ? s.ui.highlight.id : null));
  // the message jumped to: in view, highlighted for a moment
  useEffect(() => {
    if (!highlight) return undefined;
    const el = scroller.current?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(highlight)}"]`);
    el?.scrollIntoView({ block: "center" });
    const timer = setTimeout(() => client.dispatch({ type: "ui/highlight", message: null }), 2500);
    return () => clearTimeout(timer);
  }, [highlight]);
  const onStale = useCallback((seq: number) => client.refetch(id, seq), [id]);
  const onSaveEdit = useCallback((mid: string, text: string) => client.editMessage(id, mid, text), [id]);

  // a newly opened room starts at its newest message
  useLayoutEffect(() => {
    pinned.current = true;
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [id]);

  // keep the reading position when older messages are prepended, and
  // stay at the bottom when new ones arrive while we were there
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const a = anchor.current;
    if (a && a.first !== first && first !== 0) {
      el.scrollTop = el.scrollHeight - a.height + a.top;
    } else if (pinned.current) {
      el.scrollTop = el.scrollHeight;
    }
    anchor.current = { first, height: el.scrollHeight, top: el.scrollTop };
  }, [items]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    pinned.current = atBottom;
    setShowJump(!atBottom);
    anchor.current = { first, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop < 300 && room.hasMoreBefore && room.loaded && !room.loadingOlder) void client.loadOlder(id);
    if (atBottom) client.markRead(id);
  };

  // a short room that does not scroll yet still pages back until it does
  useEffect(() => {
    const el = scroller.current;
    if (el && room.loaded && room.hasMoreBefore && !room.loadingOlder && el.scrollHeight <= el.clientHeight) void client.loadOlder(id);
  }, [room.loaded, room.hasMoreBefore, room.loadingOlder, items.length]);

  const title = roomTitle(room, me.id, t("directMessage"));
  return (
    <div class="messages-wrap">
      <div class="messages" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label={title} aria-live="polite" aria-relevant="additions">
        {room.loaded && !room.hasMoreBefore && (
          <div class="room-start">
            <h2>{room.room.kind === "direct" ? `@${title}` : `#${title}`}</h2>
            <p>{room.room.kind === "direct" ? t("beginningDirect", { room: title }) : t("beginning", { room: title })}</p>
            {room.room.topic && <p class="muted">{room.room.topic}</p>}
          </div>
        )}
        {room.loadingOlder && <div class="loading">{t("loadingOlder")}</div>}
        {!room.loaded && <div class="loading">{t("connecting")}</div>}
        <ol class="msg-list">
          {items.map((it) =>
            it.kind === "new" ? (
              <li key={it.key} class="new-sep">
                <span>{t("newMessages")}</span>
              </li>
            ) : it.kind === "day" ? (
              <li key={it.key} class="day-sep">
                <span>{it.label}</span>
              </li>
            ) : (
              <MessageItem
                key={it.row.key}
                row={it.row}
                me={me}
                onRetry={onRetry}
                onDiscard={onDiscard}
                onDelete={moderator || it.row.sender.id === me.id ? onDelete : undefined}
                onEdit={it.row.sender.id === me.id ? onEdit : undefined}
                onSaveEdit={onSaveEdit}
                editing={editing !== null && editing === it.row.id}
                onReact={onReact}
                onReply={onReply}
                onOpenThread={onOpenThread}
                onJump={onJump}
                highlighted={highlight !== null && highlight === it.row.id}
                onStale={onStale}
              />
            ),
          )}
        </ol>
      </div>
      {missing && (
        <div class="toast" role="status">
          {missing}
          <button
            type="button"
            class="link-btn"
            onClick={() => {
              setMissing("");
              if (notice) client.dispatch({ type: "ui/notice", notice: null });
            }}
          >
            {t("close")}
          </button>
        </div>
      )}
      {showJump && (
        <button
          type="button"
          class="jump"
          onClick={() => {
            const el = scroller.current;
            if (el) el.scrollTop = el.scrollHeight;
          }}
        >
          {t("jumpToLatest")} ↓
        </button>
      )}
    </div>
  );
}
