// One search result: where (room), who, when, and the text, without its
// Markdown marks, with the terms marked.
import { formatDay, formatTime, t } from "../i18n";
import { snippet } from "../highlight";
import { plainText } from "../markdown";
import type { SearchResult } from "../types";
import { Highlighted } from "./Highlighted";

interface Props {
  id: string;
  result: SearchResult;
  /** The room as this client names it (a direct room by its peer). */
  roomName: string;
  terms: readonly string[];
  active: boolean;
  onChoose: () => void;
  onHover: () => void;
}

export function SearchResultItem({ id, result, roomName, terms, active, onChoose, onHover }: Props) {
  const m = result.message;
  const files = m.attachments?.length ?? 0;
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      class={`search-result${active ? " active" : ""}`}
      data-id={m.id}
      data-room={result.room.id}
      onClick={onChoose}
      onMouseMove={onHover}
    >
      <div class="search-result-head">
        <span class="search-room">{result.room.kind === "direct" ? `@${roomName}` : `#${roomName}`}</span>
        <span class="search-sender">{m.sender.displayName || m.sender.username}</span>
        <time class="muted" dateTime={m.createdAt} title={new Date(m.createdAt).toLocaleString()}>
          {formatDay(m.createdAt)} {formatTime(m.createdAt)}
        </time>
      </div>
      <div class="search-text">
        <Highlighted text={snippet(plainText(m.text), terms)} terms={terms} />
        {files > 0 && <span class="muted"> {files === 1 ? t("filesOne") : t("filesMany", { n: files })}</span>}
      </div>
    </li>
  );
}
