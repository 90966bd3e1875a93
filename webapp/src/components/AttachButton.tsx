// The paperclip: a hidden file input (several files at once) behind a button.
import { useRef } from "preact/hooks";
import { t } from "../i18n";
import { Icon } from "./Icon";

export function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = ""; // the same file may be picked again
          if (files.length) onFiles(files);
        }}
      />
      <button type="button" class="icon-btn attach" aria-label={t("attachFiles")} title={t("attachFiles")} disabled={disabled} onClick={() => input.current?.click()}>
        <Icon name="paperclip" />
      </button>
    </>
  );
}
