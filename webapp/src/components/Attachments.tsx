// A message's files: raster images inline (the thumbnail when there is
// one, sized before it loads so the log does not jump; a click opens the
// full image in a new tab), anything else as a card with a download link.
import { fitBox, humanSize, showsInline } from "../files";
import { t } from "../i18n";
import type { Attachment } from "../types";
import { Icon } from "./Icon";

export function Attachments({ files }: { files: readonly Attachment[] }) {
  return (
    <ul class="attachments" aria-label={t("attachments")}>
      {files.map((f) => (
        <li key={f.id} class="attachment" data-file={f.id}>
          {showsInline(f) ? <InlineImage file={f} /> : <FileCard file={f} />}
        </li>
      ))}
    </ul>
  );
}

function InlineImage({ file }: { file: Attachment }) {
  const box = fitBox(file.width, file.height);
  return (
    <a class="attachment-image" href={file.url} target="_blank" rel="noopener noreferrer" title={t("openImage", { name: file.name })}>
      <img src={file.thumbUrl ?? file.url} alt={file.name} loading="lazy" decoding="async" {...(box ?? {})} />
    </a>
  );
}

function FileCard({ file }: { file: Attachment }) {
  return (
    <div class="file-card">
      <Icon name="file" size={28} />
      <span class="file-card-text">
        <span class="file-name">{file.name}</span>
        <span class="file-size muted">{humanSize(file.size)}</span>
      </span>
      <a class="icon-btn file-download" href={file.url} download={file.name} aria-label={t("downloadFile", { name: file.name })} title={t("download")}>
        <Icon name="download" />
      </a>
    </div>
  );
}
