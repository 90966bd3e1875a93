import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import { formatTime, t } from "../i18n";
import type { PendingMessage } from "../merge";
import type { Attachment, Message, Quote, Reaction, User } from "../types";
import { Attachments } from "./Attachments";
import { Avatar } from "./Avatar";
import { Markdown } from "./Markdown";
import { MessageEditor } from "./MessageEditor";
import { quoteText } from "../state/changes";
import { ReactionChips, ReactionPicker } from "./Reactions";

export interface Row {
  key: string;
  id?: string;
  sender: User;
  text: string;
  mentions: readonly string[];
  createdAt: string;
  seq?: number;
  deleted?: boolean;
  editedAt?: string;
  reactions?: readonly Reaction[];
  replyTo?: Quote;
  attachments?: readonly Attachment[];
  /** Replies to it that the log holds. */
  replies?: number;
  pending?: PendingMessage;
  streaming?: boolean;
  startsGroup: boolean;
}

/** A stored message as a row, without its quote or its place in a group. */
export function rowOf(m: Message): Omit<Row, "startsGroup"> {
  return {
    key: m.id,
    id: m.id,
    sender: m.sender,
    text: m.text,
    mentions: m.mentions,
    createdAt: m.createdAt,
    seq: m.seq,
    deleted: m.deleted,
    editedAt: m.editedAt,
    reactions: m.reactions,
    attachments: m.attachments,
  };
}

interface Props {
  row: Row;
  me: User;
  onRetry?: (clientMsgId: string) => void;
  onDiscard?: (clientMsgId: string) => void;
  /** Set when I may delete this message. */
  onDelete?: (id: string) => void;
  /** Set for my own messages: starts (id) or ends (null) editing in place. */
  onEdit?: (id: string | null) => void;
  /** Saves an edit; rejects with the server's error. */
  onSaveEdit?: (id: string, text: string) => Promise<void>;
  editing?: boolean;
  /** Adds (add) or takes back my reaction; rejects with the server's error. */
  onReact?: (id: string, emoji: string, add: boolean) => Promise<void>;
  /** Starts a reply to this message in the composer. */
  onReply?: (quote: Quote) => void;
  onOpenThread?: (id: string) => void;
  /** Shows the message a reply quotes. */
  onJump?: (quote: Quote) => void;
  highlighted?: boolean;
  /** Fetches the message again (its file links expired); answers the fresh copy. */
  onStale?: (seq: number) => Promise<Message | null>;
}

/** What a reply shows of the message it answers (the server cuts it the same way). */
export function quoteOf(row: Pick<Row, "id" | "seq" | "sender" | "text">): Quote {
  return { id: row.id!, seq: row.seq ?? 0, sender: row.sender, text: quoteText(row.text) };
}

function MessageItemView({ row, me, onRetry, onDiscard, onDelete, onEdit, onSaveEdit, editing, onReact, onReply, onOpenThread, onJump, highlighted, onStale }: Props) {
  const [picking, setPicking] = useState(false);
  const [touched, setTouched] = useState(false);
  const reactButton = useRef<HTMLButtonElement>(null);
  const stored = !!row.id && !row.deleted && !row.pending && !row.streaming;
  const canDelete = !!onDelete && stored;
  const canEdit = !!onEdit && !!onSaveEdit && stored;
  const canReact = !!onReact && stored;
  const closePicker = () => {
    setPicking(false);
    reactButton.current?.focus();
  };
  const bot = row.sender.kind === "bot";
  const mine = row.sender.id === me.id;
  const mentionsMe = !mine && row.mentions.includes(me.username);
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (highlighted) item.current?.focus({ preventScroll: true });
  }, [highlighted]);
  const classes = ["msg", touched && "msg-touched", highlighted && "msg-highlight", row.startsGroup && "msg-start", mine && "msg-mine", mentionsMe && "msg-mentions-me", bot && "msg-bot", row.pending && `msg-${row.pending.status}`, row.streaming && "msg-streaming"]
    .filter(Boolean)
    .join(" ");
  const time = formatTime(row.createdAt);
  return (
    <li
      ref={item}
      tabIndex={highlighted ? -1 : undefined}
      class={classes}
      data-sender-kind={row.sender.kind}
      data-sender={row.sender.username}
      data-seq={row.seq}
      data-status={row.pending?.status ?? (row.streaming ? "streaming" : "sent")}
      data-id={row.id}
      // touch screens have no hover: a tap on the message shows its tools
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest("button, a, input, textarea") && window.matchMedia?.("(hover: none)").matches) setTouched(!touched);
      }}
    >
      {(canDelete || canEdit || canReact || (stored && (onReply || onOpenThread))) && !editing && (
        <div class="msg-tools">
          {canReact && (
            <button
              ref={reactButton}
              type="button"
              class="msg-action"
              aria-label={t("addReaction")}
              title={t("addReaction")}
              aria-expanded={picking}
              onClick={() => setPicking(!picking)}
            >
              ☺+
            </button>
          )}
          {stored && onReply && (
            <button type="button" class="msg-action" aria-label={t("reply")} title={t("reply")} onClick={() => onReply(quoteOf(row))}>
              ↩
            </button>
          )}
          {stored && onOpenThread && (
            <button type="button" class="msg-action" aria-label={t("viewThread")} title={t("viewThread")} onClick={() => onOpenThread(row.id!)}>
              ☰
            </button>
          )}
          {canEdit && (
            <button type="button" class="msg-action" aria-label={t("editMessage")} title={t("editMessage")} onClick={() => onEdit!(row.id!)}>
              ✎
            </button>
          )}
          {canDelete && <DeleteButton onConfirm={() => onDelete!(row.id!)} />}
        </div>
      )}
      <div class="msg-gutter">
        {row.startsGroup ? <Avatar user={row.sender} /> : <time class="msg-time-hover" dateTime={row.createdAt}>{time}</time>}
      </div>
      <div class="msg-body">
        {row.startsGroup && (
          <div class="msg-head">
            <span class="msg-author">{row.sender.displayName || row.sender.username}</span>
            {bot && <span class="tag tag-bot">{t("bot")}</span>}
            <time class="msg-time" dateTime={row.createdAt} title={new Date(row.createdAt).toLocaleString()}>
              {time}
            </time>
          </div>
        )}
        {row.replyTo && <QuoteView quote={row.replyTo} onJump={onJump} />}
        {editing && canEdit ? (
          <MessageEditor text={row.text} onSave={(text) => onSaveEdit!(row.id!, text)} onDone={() => onEdit!(null)} />
        ) : (
        <div class="msg-text">
          {row.deleted ? (
            <em class="muted">{t("deleted")}</em>
          ) : (
            // people's text highlights only the mentions the server recognised
            <Markdown text={row.text} me={me.username} mentions={bot ? undefined : row.mentions} />
          )}
          {row.streaming && <span class="cursor" aria-label={t("streaming")} />}
        </div>
        )}
        {!row.deleted && row.attachments && row.attachments.length > 0 && (
          <Attachments files={row.attachments} onStale={onStale && row.seq !== undefined && !row.pending ? () => onStale(row.seq!) : undefined} />
        )}
        {row.editedAt && !row.deleted && !editing && (
          <span class="msg-edited" title={t("editedAt", { time: new Date(row.editedAt).toLocaleString() })}>
            {t("edited")}
          </span>
        )}
        {!row.deleted && row.reactions && row.reactions.length > 0 && (
          <ReactionChips reactions={row.reactions} onToggle={(emoji, add) => void onReact?.(row.id!, emoji, add).catch(() => undefined)} />
        )}
        {!!row.replies && stored && onOpenThread && (
          <button type="button" class="link-btn msg-replies" onClick={() => onOpenThread(row.id!)}>
            {row.replies === 1 ? t("repliesOne") : t("repliesMany", { n: row.replies })}
          </button>
        )}
        {picking && canReact && <ReactionPicker onPick={(emoji) => onReact!(row.id!, emoji, true)} onClose={closePicker} />}
        {row.pending?.status === "sending" && <div class="msg-status" aria-live="polite">{t("sending")}</div>}
        {row.pending?.status === "failed" && (
          <div class="msg-status msg-error" role="alert">
            <span>
              {t("failed")}: {errorText(row.pending.error)}
            </span>
            <button type="button" class="link-btn" onClick={() => onRetry?.(row.pending!.clientMsgId)}>
              {t("retry")}
            </button>
            <button type="button" class="link-btn" onClick={() => onDiscard?.(row.pending!.clientMsgId)}>
              {t("discard")}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

/** The quoted message above a reply: a button that shows the original, or a note that it is gone. */
export function QuoteView({ quote, onJump }: { quote: Quote; onJump?: (q: Quote) => void }) {
  const name = quote.sender.displayName || quote.sender.username;
  const body = (
    <>
      <span class="quote-author">{name}</span>
      <span class="quote-text">{quote.deleted ? t("quoteDeleted") : quote.text}</span>
    </>
  );
  if (!onJump || quote.deleted) return <div class="quote">{body}</div>;
  return (
    <button type="button" class="quote" title={t("quoteJump", { name })} onClick={() => onJump(quote)}>
      {body}
    </button>
  );
}

/** Two steps, so one stray click deletes nothing. */
function DeleteButton({ onConfirm }: { onConfirm: () => void }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return undefined;
    const timer = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      class={`msg-action${armed ? " armed" : ""}`}
      aria-label={armed ? t("confirmDelete") : t("deleteMessage")}
      title={t("deleteMessage")}
      onClick={() => (armed ? onConfirm() : setArmed(true))}
    >
      {armed ? t("confirmDelete") : "✕"}
    </button>
  );
}

export function errorText(err?: { code: string; message: string }): string {
  if (!err) return "";
  if (err.code === "RATE_LIMITED") return t("errRateLimited");
  if (err.code === "TOO_LARGE") return `${t("errTooLarge")} (${err.message})`;
  if (err.code === "OFFLINE") return t("errOffline");
  return err.message;
}

export const MessageItem = memo(MessageItemView);
