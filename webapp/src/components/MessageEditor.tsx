// Editing a message in place: Enter saves, Shift+Enter starts a new line,
// Escape cancels; the server's refusal (too long, rate limited...) stays
// on screen with the text kept.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { ParleyError } from "../errors";
import { t } from "../i18n";
import { errorText } from "./MessageItem";

interface Props {
  text: string;
  onSave: (text: string) => Promise<void>;
  /** Saved or cancelled. */
  onDone: () => void;
}

export function MessageEditor({ text, onSave, onDone }: Props) {
  const [value, setValue] = useState(text);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [value]);

  const save = async () => {
    const next = value.trim();
    if (busy) return;
    if (!next || next === text.trim()) return onDone();
    setBusy(true);
    setError("");
    try {
      await onSave(next);
      onDone();
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError("INTERNAL", String(err));
      setError(errorText({ code: e.code, message: e.message }));
      setBusy(false);
    }
  };

  return (
    <div class="msg-editor">
      <textarea
        ref={box}
        rows={1}
        aria-label={t("editMessage")}
        value={value}
        disabled={busy}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.isComposing || e.keyCode === 229) return;
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          } else if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <div class="msg-editor-actions">
        <span class="muted">{t("editHint")}</span>
        <button type="button" class="ghost-btn" onClick={onDone}>
          {t("cancel")}
        </button>
        <button type="button" class="primary-btn" disabled={busy} onClick={() => void save()}>
          {t("save")}
        </button>
      </div>
      {error && (
        <p class="msg-status msg-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
