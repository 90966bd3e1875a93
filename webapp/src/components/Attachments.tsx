// A message's files: raster images inline (the thumbnail when there is
// one, sized before it loads so the log does not jump; a click opens the
// full image in a new tab), anything else as a card with a download link.
// Their links are signed and expire: when an image fails to load or a link
// is followed after its expiry (a tab open for hours), the message is
// fetched again through onStale, which answers the fresh copy.
import { useEffect, useRef } from "preact/hooks";
import { expired, fitBox, humanSize, showsInline } from "../files";
import { t } from "../i18n";
import type { Attachment, Message } from "../types";
import { Icon } from "./Icon";

type Stale = () => Promise<Message | null>;

interface Props {
  files: readonly Attachment[];
  onStale?: Stale;
}

export function Attachments({ files, onStale }: Props) {
  // one refetch per copy of the files: the fresh copy is a new array
  const asked = useRef<Promise<Message | null> | null>(null);
  useEffect(() => {
    asked.current = null;
  }, [files]);
  const refresh: Stale | undefined = onStale && (() => (asked.current ??= onStale().catch(() => null)));

  /** Follows a link signed anew when this one has expired (else, the server may still take it: clocks differ). */
  const follow = (e: MouseEvent, file: Attachment, download: boolean) => {
    if (!refresh || !expired(file.url, Date.now())) return;
    e.preventDefault();
    void refresh().then((m) => {
      const fresh = m?.attachments?.find((x) => x.id === file.id) ?? file;
      const a = document.createElement("a");
      a.href = fresh.url;
      if (download) a.download = fresh.name;
      else (a.target = "_blank"), (a.rel = "noopener noreferrer");
      a.click();
    });
  };

  return (
    <ul class="attachments" aria-label={t("attachments")}>
      {files.map((f) => (
        <li key={f.id} class="attachment" data-file={f.id}>
          {showsInline(f) ? (
            <InlineImage file={f} onOpen={(e) => follow(e, f, false)} onBroken={() => refresh && expired(f.thumbUrl ?? f.url, Date.now()) && void refresh()} />
          ) : (
            <FileCard file={f} onDownload={(e) => follow(e, f, true)} />
          )}
        </li>
      ))}
    </ul>
  );
}

function InlineImage({ file, onOpen, onBroken }: { file: Attachment; onOpen: (e: MouseEvent) => void; onBroken: () => void }) {
  const box = fitBox(file.width, file.height);
  return (
    <a class="attachment-image" href={file.url} target="_blank" rel="noopener noreferrer" title={t("openImage", { name: file.name })} onClick={onOpen}>
      <img src={file.thumbUrl ?? file.url} alt={file.name} loading="lazy" decoding="async" {...(box ?? {})} onError={onBroken} />
    </a>
  );
}

function FileCard({ file, onDownload }: { file: Attachment; onDownload: (e: MouseEvent) => void }) {
  return (
    <div class="file-card">
      <Icon name="file" size={28} />
      <span class="file-card-text">
        <span class="file-name">{file.name}</span>
        <span class="file-size muted">{humanSize(file.size)}</span>
      </span>
      <a
        class="icon-btn file-download"
        href={file.url}
        download={file.name}
        aria-label={t("downloadFile", { name: file.name })}
        title={t("download")}
        onClick={onDownload}
      >
        <Icon name="download" />
      </a>
    </div>
  );
}
