// Reactions under a message: a chip per emoji with its count, mine
// pressed, a click toggles mine; and the picker of common emoji, which
// also takes a :shortcode: typed in.
import { useEffect, useRef, useState } from "preact/hooks";
import { ParleyError } from "../errors";
import { t } from "../i18n";
import type { Reaction } from "../types";
import { errorText } from "./MessageItem";

export const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "👀", "✅"] as const;

const SHORTCODE = /^:[a-z0-9_+-]{1,30}:$/;

/** Who reacted, as a tooltip: the names the server lists, then how many more. */
export function reactedBy(r: Reaction): string {
  const names = r.users.join(", ");
  const users = r.count > r.users.length ? t("andOthers", { users: names, n: r.count - r.users.length }) : names;
  return t("reactedBy", { emoji: r.emoji, users });
}

export function ReactionChips({ reactions, onToggle }: { reactions: readonly Reaction[]; onToggle: (emoji: string, add: boolean) => void }) {
  if (reactions.length === 0) return null;
  return (
    <ul class="reactions" aria-label={t("reactions")}>
      {reactions.map((r) => (
        <li key={r.emoji}>
          <button
            type="button"
            class={`reaction${r.me ? " reaction-mine" : ""}${SHORTCODE.test(r.emoji) ? " reaction-code" : ""}`}
            aria-pressed={r.me}
            title={reactedBy(r)}
            data-emoji={r.emoji}
            onClick={() => onToggle(r.emoji, !r.me)}
          >
            <span class="reaction-emoji">{r.emoji}</span>
            <span class="reaction-count">{r.count}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

interface PickerProps {
  /** Rejects with the server's error, shown in the picker. */
  onPick: (emoji: string) => Promise<void>;
  onClose: () => void;
}

export function ReactionPicker({ onPick, onClose }: PickerProps) {
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);

  const pick = async (emoji: string) => {
    setError("");
    try {
      await onPick(emoji);
      onClose();
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError("INTERNAL", String(err));
      setError(errorText({ code: e.code, message: e.message }));
    }
  };

  const submitCode = () => {
    const c = code.trim().toLowerCase();
    const wrapped = c.startsWith(":") ? c : `:${c}:`;
    if (!SHORTCODE.test(wrapped)) return setError(t("badShortcode"));
    void pick(wrapped);
  };

  return (
    <div
      class="reaction-picker"
      role="group"
      aria-label={t("addReaction")}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div class="reaction-picker-emoji">
        {COMMON_EMOJI.map((emoji, i) => (
          <button key={emoji} ref={i === 0 ? first : undefined} type="button" class="reaction-option" aria-label={`${t("react")} ${emoji}`} onClick={() => void pick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
      <form
        class="reaction-picker-code"
        onSubmit={(e) => {
          e.preventDefault();
          submitCode();
        }}
      >
        <input type="text" aria-label={t("shortcode")} placeholder={t("shortcodeHint")} value={code} maxLength={32} onInput={(e) => setCode(e.currentTarget.value)} />
        <button type="submit" class="ghost-btn">
          {t("react")}
        </button>
        <button type="button" class="ghost-btn" onClick={onClose}>
          {t("cancel")}
        </button>
      </form>
      {error && (
        <p class="msg-status msg-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
