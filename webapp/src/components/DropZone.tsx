// Files dragged onto the room go into its composer. Only drags carrying
// files are taken (a dragged link or text is left to the browser).
import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";
import { filesOf } from "../files";
import { t } from "../i18n";

const carriesFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes("Files");

export function DropZone({ onFiles, children }: { onFiles: (files: File[]) => void; children: ComponentChildren }) {
  const [over, setOver] = useState(false);
  // dragenter/leave fire for every child crossed: count them
  const depth = useRef(0);
  return (
    <div
      class={`drop-zone${over ? " drop-over" : ""}`}
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer!.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        if (!carriesFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = filesOf(e.dataTransfer);
        if (files.length) onFiles(files);
      }}
    >
      {children}
      {over && (
        <div class="drop-hint" aria-hidden="true">
          {t("dropFiles")}
        </div>
      )}
    </div>
  );
}
