// Search across my rooms (Ctrl+K / ⌘K): results as I type, ↑/↓ to move,
// Enter to open the room at the message, Esc to close.
import { useEffect, useRef, useState } from "preact/hooks";
import { useChat, useClient } from "../context";
import { searchTerms } from "../highlight";
import { t } from "../i18n";
import { roomTitle } from "../state/selectors";
import type { SearchResult } from "../types";
import { Modal, useClose } from "./Dialogs";
import { SearchResultItem } from "./SearchResultItem";
import { useSearch } from "./useSearch";

const LIST_ID = "search-results";

export function SearchDialog() {
  const client = useClient();
  const close = useClose();
  const rooms = useChat((s) => s.chat.rooms);
  const myId = useChat((s) => s.chat.session?.user.id ?? "");
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const open = useChat((s) => (s.chat.active ? s.chat.rooms[s.chat.active] : undefined));
  const [onlyHere, setOnlyHere] = useState(false);
  const search = useSearch(q, onlyHere && open ? open.room.id : undefined);
  const terms = searchTerms(search.asked);
  const list = useRef<HTMLUListElement>(null);
  const n = search.results.length;
  const current = n ? Math.min(active, n - 1) : -1;

  useEffect(() => setActive(0), [search.asked]);
  useEffect(() => {
    if (current >= 0) list.current?.querySelector(`#${LIST_ID}-${current}`)?.scrollIntoView({ block: "nearest" });
  }, [current]);

  const nameOf = (r: SearchResult) => (rooms[r.room.id] ? roomTitle(rooms[r.room.id], myId, t("directMessage")) : r.room.name);

  const choose = (r: SearchResult) => {
    close();
    void client.jumpTo(r.room.id, r.message.id, r.message.seq).then((found) => {
      if (!found) client.dispatch({ type: "ui/notice", notice: t("searchResultMissing") });
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing || e.keyCode === 229) return; // an IME is composing (Chinese, Japanese...)
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n > 0) {
      e.preventDefault();
      const next = current + (e.key === "ArrowDown" ? 1 : -1);
      if (next >= n && search.hasMore) search.loadMore();
      setActive(Math.max(0, Math.min(n - 1, next)));
    } else if (e.key === "Enter" && current >= 0) {
      e.preventDefault();
      choose(search.results[current]);
    } else if (e.key === "Escape") {
      // a search box would only clear itself on the first Escape
      e.preventDefault();
      close();
    }
  };

  return (
    <Modal title={t("search")}>
      <div class="search-box">
        <input
          type="search"
          class="search-input"
          role="combobox"
          aria-label={t("searchMessages")}
          placeholder={t("searchPlaceholder")}
          aria-expanded={n > 0}
          aria-controls={LIST_ID}
          aria-autocomplete="list"
          aria-activedescendant={current >= 0 ? `${LIST_ID}-${current}` : undefined}
          autoFocus
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      {open && (
        <label class="search-scope">
          <input type="checkbox" checked={onlyHere} onChange={(e) => setOnlyHere(e.currentTarget.checked)} />
          {t("searchOnlyIn", { room: `${open.room.kind === "direct" ? "@" : "#"}${roomTitle(open, myId, t("directMessage"))}` })}
        </label>
      )}
      <div class="search-status" role="status" aria-live="polite">
        {search.status === "loading" && t("searching")}
        {search.status === "done" && n === 0 && t("noResults", { q: search.asked })}
        {search.status === "idle" && <span class="muted">{t("searchHint")}</span>}
      </div>
      {search.status === "error" && (
        <p class="form-error" role="alert">
          {t("searchFailed", { msg: search.error })}
        </p>
      )}
      <ul class="search-results" id={LIST_ID} role="listbox" aria-label={t("searchResults")} ref={list}>
        {search.results.map((r, i) => (
          <SearchResultItem
            key={r.message.id}
            id={`${LIST_ID}-${i}`}
            result={r}
            roomName={nameOf(r)}
            terms={terms}
            active={i === current}
            onChoose={() => choose(r)}
            onHover={() => i !== current && setActive(i)}
          />
        ))}
      </ul>
      {search.hasMore && search.status === "done" && (
        <button type="button" class="ghost-btn search-more" disabled={search.loadingMore} aria-busy={search.loadingMore} onClick={search.loadMore}>
          {t("loadMore")}
        </button>
      )}
    </Modal>
  );
}
