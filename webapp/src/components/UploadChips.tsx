// The files waiting above the composer: each with its name, a progress
// bar while it goes up, its error when refused, and a button that cancels
// (while running) or removes it.
import { humanSize } from "../files";
import { t } from "../i18n";
import type { Upload } from "../state/model";
import { Icon } from "./Icon";

export function uploadErrorText(e: { code: string; message: string }): string {
  if (e.code === "TOO_LARGE") return t("errFileTooLarge");
  if (e.code === "OFFLINE") return t("errOffline");
  if (e.code === "FORBIDDEN" || e.code === "NOT_FOUND") return t("errUploadForbidden");
  return t("errUpload", { msg: e.message });
}

export function UploadChips({ uploads, onRemove }: { uploads: readonly Upload[]; onRemove: (id: string) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul class="upload-chips" aria-label={t("attachments")}>
      {uploads.map((u) => (
        <li key={u.id} class={`upload-chip upload-${u.status}`} data-status={u.status}>
          {u.preview ? <img class="upload-preview" src={u.preview} alt="" width={32} height={32} /> : <Icon name="file" size={22} />}
          <span class="upload-text">
            <span class="file-name" title={u.name}>{u.name}</span>
            {u.status === "failed" && u.error ? (
              <span class="upload-error" role="alert">{uploadErrorText(u.error)}</span>
            ) : (
              <span class="muted">{humanSize(u.size)}</span>
            )}
            {u.status === "uploading" && (
              <progress max={u.size || 1} value={u.loaded} aria-label={t("uploading", { name: u.name })} />
            )}
          </span>
          <button
            type="button"
            class="icon-btn"
            aria-label={u.status === "uploading" ? t("cancelUpload", { name: u.name }) : t("removeFile", { name: u.name })}
            title={u.status === "uploading" ? t("cancel") : t("remove")}
            onClick={() => onRemove(u.id)}
          >
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
