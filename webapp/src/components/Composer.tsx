// The message box: Enter sends, Shift+Enter starts a new line, and `@`
// offers the room's members (the assistant included) to mention, then in
// group rooms anyone else whose name starts with what was typed.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useChat, useClient } from "../context";
import { t } from "../i18n";
import { insertMention, mentionAt, mentionCandidates, mergeSuggestions } from "../mentions";
import type { RoomState } from "../state/model";
import { assistantUser, roomTitle } from "../state/selectors";
import type { User } from "../types";
import { filesOf } from "../files";
import { roomUploads } from "../state/uploads";
import { AttachButton } from "./AttachButton";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { UploadChips } from "./UploadChips";

/** How many people the mention menu offers at most. */
const MENU_SIZE = 8;

/**
 * People on the server whose name starts with q, asked for once typing
 * pauses. The last answer stays until the next arrives; the menu matches
 * it against the query again, so a stale one only ever narrows.
 */
function usePeopleSearch(q: string | null): User[] {
  const client = useClient();
  const [people, setPeople] = useState<User[]>([]);
  useEffect(() => {
    if (!q) {
      setPeople([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      // one more than the menu holds, since I may be among them
      void client
        .searchPeople(q, MENU_SIZE + 1)
        .then((users) => current && setPeople(users))
        .catch(() => current && setPeople([]));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);
  return people;
}

export function Composer({ room, me, disabled }: { room: RoomState; me: User; disabled?: boolean }) {
  const client = useClient();
  const id = room.room.id;
  const drafts = useRef<Record<string, string>>({});
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const config = useChat((s) => s.config);
  const replyTo = useChat((s) => (s.ui.replyTo?.room === id ? s.ui.replyTo.quote : null));
  const allUploads = useChat((s) => s.ui.uploads);
  const uploads = useMemo(() => roomUploads(allUploads, id), [allUploads, id]);
  // sendable once nothing is still on its way up: text, finished files, or both
  const canSend = (!!text.trim() || uploads.ready.length > 0) && !uploads.busy;
  const cancelReply = () => {
    client.dispatch({ type: "ui/reply", room: id, quote: null });
    box.current?.focus();
  };

  // one draft per room
  useLayoutEffect(() => {
    setText(drafts.current[id] ?? "");
    setDismissed(null);
  }, [id]);

  // Where the caret goes once a chosen mention is in the box: set right
  // after the render, before the next key is handled (a frame later, keys
  // typed meanwhile would land before the caret and come out of order).
  const caretAfterRender = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
    const caret = caretAfterRender.current;
    if (caret !== null) {
      caretAfterRender.current = null;
      el.focus();
      el.setSelectionRange(caret, caret);
    }
  }, [text]);

  const candidates = useMemo(() => mentionCandidates(room.members, room.room.kind, assistantUser(config)), [room.members, room.room.kind, config]);

  const query = mentionAt(text, caret);
  const asking = query && dismissed !== query.start ? query.query : null;
  const people = usePeopleSearch(room.room.kind === "group" ? asking : null);
  const suggestions = asking !== null ? mergeSuggestions(candidates, people, asking, me.id, MENU_SIZE) : [];
  const open = suggestions.length > 0;
  const active = Math.min(selected, suggestions.length - 1);

  const update = (value: string, pos: number) => {
    setText(value);
    setCaret(pos);
    setSelected(0);
    drafts.current[id] = value;
    if (value.trim()) client.setTyping(id, true);
  };

  const choose = (u: User) => {
    if (!query) return;
    const next = insertMention(text, query.start, caret, u.username);
    caretAfterRender.current = next.caret;
    update(next.text, next.caret);
  };

  const submit = () => {
    if (!canSend) return;
    client.send(id, text, replyTo ?? undefined, true);
    if (replyTo) client.dispatch({ type: "ui/reply", room: id, quote: null });
    update("", 0);
    client.setTyping(id, false);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing || e.keyCode === 229) return; // an IME is composing
    if (open) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = suggestions.length;
        setSelected((active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(suggestions[active]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissed(query!.start);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && replyTo) {
      e.preventDefault();
      cancelReply();
    } else if (e.key === "ArrowUp" && !text && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // as in most chat apps: Up in an empty box edits my last message
      const last = lastEditable(room, me.id);
      if (last) {
        e.preventDefault();
        client.dispatch({ type: "ui/edit", message: { room: id, id: last } });
      }
    }
  };

  const title = roomTitle(room, me.id, t("directMessage"));
  const listId = `mentions-${id}`;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {replyTo && (
        <div class="reply-bar">
          <span class="reply-bar-text">
            <strong>{t("replyingTo", { name: replyTo.sender.displayName || replyTo.sender.username })}</strong>
            <span class="muted">{replyTo.text}</span>
          </span>
          <button type="button" class="icon-btn" aria-label={t("cancelReply")} title={t("cancelReply")} onClick={cancelReply}>
            <Icon name="close" />
          </button>
        </div>
      )}
      <UploadChips uploads={uploads.all} onRemove={(uid) => client.removeUpload(uid)} />
      {open && (
        <ul class="mention-menu" id={listId} role="listbox" aria-label={t("mentionSuggestions")}>
          {suggestions.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(u);
              }}
            >
              <Avatar user={u} size="sm" />
              <span class="mention-name">{u.displayName || u.username}</span>
              <span class="muted">@{u.username}</span>
              {u.kind === "bot" && <span class="tag tag-bot">{t("bot")}</span>}
            </li>
          ))}
        </ul>
      )}
      <AttachButton disabled={disabled} onFiles={(files) => client.upload(id, files)} />
      <textarea
        id="composer"
        ref={box}
        rows={1}
        aria-label={t("message")}
        placeholder={room.room.kind === "direct" ? t("messagePlaceholderDirect", { room: title }) : t("messagePlaceholder", { room: title })}
        value={text}
        disabled={disabled}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onInput={(e) => {
          const el = e.currentTarget;
          update(el.value, el.selectionStart ?? el.value.length);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onClick={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onBlur={() => client.setTyping(id, false)}
        onPaste={(e) => {
          // a pasted screenshot (or copied files) is uploaded; pasted text goes in the box as usual
          const files = filesOf(e.clipboardData);
          if (files.length === 0) return;
          e.preventDefault();
          client.upload(id, files);
        }}
      />
      <button type="submit" class="send" aria-label={t("send")} disabled={!canSend}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 11.5 21 3l-8.5 18-2.2-7.3z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}

/** My newest message that can still be edited, if the log holds one. */
export function lastEditable(room: RoomState, myId: string): string | null {
  for (let i = room.messages.length - 1; i >= 0; i--) {
    const m = room.messages[i];
    if (m.sender.id === myId && !m.deleted && !m.streamId) return m.id;
  }
  return null;
}
