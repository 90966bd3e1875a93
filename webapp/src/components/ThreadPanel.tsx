// The thread side panel: a message and its replies, with its own box that
// sends replies to it. Escape or the close button closes it and gives the
// focus back to the room's message box. On a phone it covers the room.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { useChat, useClient } from "../context";
import { t } from "../i18n";
import type { PendingMessage } from "../merge";
import type { ThreadState } from "../state/model";
import type { Message, User } from "../types";
import { Icon } from "./Icon";
import { MessageItem, quoteOf, rowOf, type Row } from "./MessageItem";

const NONE: PendingMessage[] = [];

// Replies all answer the root: the panel shows no quotes.
function threadRow(m: Message): Row {
  return { ...rowOf(m), startsGroup: true };
}

export function ThreadPanel() {
  const thread = useChat((s) => s.chat.thread ?? null);
  const me = useChat((s) => s.chat.session?.user ?? null);
  if (!thread || !me) return null;
  return <Panel thread={thread} me={me} />;
}

function Panel({ thread, me }: { thread: ThreadState; me: User }) {
  const client = useClient();
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const pending = (useChat((s) => s.chat.rooms[thread.room]?.pending) ?? NONE).filter((p) => p.replyTo?.id === thread.id);
  const room = thread.room;

  useEffect(() => heading.current?.focus(), [thread.id]);

  const close = () => {
    client.closeThread();
    document.getElementById("composer")?.focus();
  };
  const onReact = useCallback((mid: string, emoji: string, add: boolean) => client.toggleReaction(room, mid, emoji, add), [room]);
  const onDelete = useCallback((mid: string) => void client.deleteMessage(room, mid).catch(() => undefined), [room]);
  const onRetry = useCallback((cid: string) => client.retry(room, cid), [room]);
  const onDiscard = useCallback((cid: string) => client.discard(room, cid), [room]);

  return (
    <aside
      class="thread-panel"
      ref={panel}
      aria-labelledby="thread-title"
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <header class="thread-head">
        <h2 id="thread-title" tabIndex={-1} ref={heading}>
          {t("thread")}
        </h2>
        <button type="button" class="icon-btn" aria-label={t("closeThread")} title={t("closeThread")} onClick={close}>
          <Icon name="close" />
        </button>
      </header>
      <div class="thread-scroll">
        {thread.root && (
          <ol class="msg-list thread-root">
            <MessageItem row={threadRow(thread.root)} me={me} onReact={onReact} />
          </ol>
        )}
        <div class="thread-count muted">
          {thread.replies.length === 0 && !thread.loading && !thread.hasMore
            ? t("noReplies")
            : thread.replies.length === 1 && !thread.hasMore
              ? t("repliesOne")
              : t("repliesMany", { n: thread.replies.length + (thread.hasMore ? "+" : "") })}
        </div>
        {thread.error && (
          <p class="form-error" role="alert">
            {thread.error}
          </p>
        )}
        <ol class="msg-list thread-replies" aria-label={t("thread")}>
          {thread.replies.map((m) => (
            <MessageItem key={m.id} row={threadRow(m)} me={me} onReact={onReact} onDelete={m.sender.id === me.id ? onDelete : undefined} />
          ))}
          {pending.map((p) => (
            <MessageItem
              key={`pending-${p.clientMsgId}`}
              row={{ key: p.clientMsgId, sender: me, text: p.text, mentions: [], createdAt: p.createdAt, pending: p, attachments: p.attachments, startsGroup: true }}
              me={me}
              onRetry={onRetry}
              onDiscard={onDiscard}
            />
          ))}
        </ol>
        {thread.loading && <div class="loading">{t("connecting")}</div>}
        {thread.hasMore && !thread.loading && (
          <button type="button" class="ghost-btn thread-more" onClick={() => client.moreReplies()}>
            {t("moreReplies")}
          </button>
        )}
      </div>
      <ThreadComposer thread={thread} />
    </aside>
  );
}

function ThreadComposer({ thread }: { thread: ThreadState }) {
  const client = useClient();
  const [text, setText] = useState("");
  const root = thread.root;
  const send = () => {
    if (!text.trim() || !root) return;
    client.send(thread.room, text, quoteOf({ id: root.id, seq: root.seq, sender: root.sender, text: root.text }));
    setText("");
  };
  return (
    <form
      class="composer thread-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        rows={1}
        aria-label={t("replyInThread")}
        placeholder={t("replyInThread")}
        value={text}
        disabled={!root || !!root.deleted}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.isComposing || e.keyCode === 229) return;
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="send" aria-label={t("send")} disabled={!text.trim() || !root}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 11.5 21 3l-8.5 18-2.2-7.3z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}
