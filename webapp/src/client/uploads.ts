// Files picked, pasted or dropped into a room: each uploaded at once,
// its progress in the state (state/uploads.ts), cancellable until done.
// The next send of the room takes the finished ones.
import { ParleyError } from "../errors";
import { newClientMsgId } from "../ids";
import type { Attachment } from "../types";
import type { UploadHandle } from "../upload";
import type { Scope } from "./scope";

export type UploadFn = (token: string, room: string, file: Blob, name: string, onProgress: (loaded: number) => void) => UploadHandle;

/** Pasted screenshots come as "image.png"; a name with the time tells them apart. */
export function nameOf(file: File, now: Date): string {
  if (file.name && file.name !== "image.png") return file.name;
  const ext = (file.type.split("/")[1] ?? "png").replace(/[^a-z0-9]/g, "") || "png";
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `pasted-${stamp}.${ext}`;
}

export class Uploads {
  private handles = new Map<string, UploadHandle>();

  constructor(
    private scope: Scope,
    private upload: UploadFn,
    private previewOf: (f: File) => string | undefined = (f) => (f.type.startsWith("image/") ? URL.createObjectURL(f) : undefined),
    private forget: (url: string) => void = (url) => URL.revokeObjectURL(url),
  ) {}

  add(room: string, files: readonly File[]): void {
    const token = this.scope.get().chat.session?.token ?? "";
    for (const f of files) {
      const id = newClientMsgId();
      const name = nameOf(f, new Date());
      const preview = this.previewOf(f);
      this.scope.dispatch({ type: "upload/started", upload: { id, room, name, size: f.size, loaded: 0, status: "uploading", ...(preview ? { preview } : {}) } });
      const h = this.upload(token, room, f, name, (loaded) => this.scope.dispatch({ type: "upload/progress", id, loaded }));
      this.handles.set(id, h);
      h.done.then(
        (file: Attachment) => this.scope.dispatch({ type: "upload/finished", id, file }),
        (err: unknown) => {
          const e = err instanceof ParleyError ? err : new ParleyError("INTERNAL", String(err));
          if (e.code !== "ABORTED") this.scope.dispatch({ type: "upload/failed", id, error: { code: e.code, message: e.message } });
        },
      ).finally(() => this.handles.delete(id));
    }
  }

  /** Stops the upload if it still runs, and takes it off the composer. */
  remove(id: string): void {
    this.handles.get(id)?.abort();
    this.handles.delete(id);
    const u = this.scope.get().ui.uploads?.find((x) => x.id === id);
    if (u?.preview) this.forget(u.preview);
    this.scope.dispatch({ type: "upload/removed", id });
  }

  /** The room's finished files, taken for a send. */
  take(room: string): Attachment[] {
    const ready = (this.scope.get().ui.uploads ?? []).filter((u) => u.room === room && u.status === "done" && u.file);
    if (ready.length === 0) return [];
    for (const u of ready) if (u.preview) this.forget(u.preview);
    this.scope.dispatch({ type: "upload/sent", room, ids: ready.map((u) => u.id) });
    return ready.map((u) => u.file!);
  }

  cancel(): void {
    for (const h of this.handles.values()) h.abort();
    this.handles.clear();
  }
}
