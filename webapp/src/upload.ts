// One file's upload (POST /api/rooms/{id}/files, multipart field "file").
// XMLHttpRequest rather than fetch: only it reports upload progress.
import { ParleyError } from "./errors";
import type { Attachment } from "./types";

export interface UploadHandle {
  /** The stored file, or a ParleyError (ABORTED after abort()). */
  done: Promise<Attachment>;
  abort(): void;
}

/** The error an upload's answer means: the server's {error}, else one named by the status. */
export function uploadError(status: number, body: string): ParleyError {
  let err: { code?: string; message?: string } | undefined;
  try {
    err = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
  } catch {
    /* a proxy's page, or nothing */
  }
  // a proxy in front may refuse a big body before the server sees it
  const code = err?.code ?? (status === 413 ? "TOO_LARGE" : status === 0 ? "OFFLINE" : `HTTP_${status}`);
  return new ParleyError(code, err?.message ?? (status === 0 ? "network unreachable" : `HTTP ${status}`));
}

export function uploadFile(token: string, room: string, file: Blob, name: string, onProgress: (loaded: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open("POST", `/api/rooms/${encodeURIComponent(room)}/files`);
    xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        try {
          const { file: stored } = JSON.parse(xhr.responseText) as { file: Attachment };
          if (stored?.id) return resolve(stored);
        } catch {
          /* falls through */
        }
        return reject(new ParleyError("INTERNAL", "the upload's answer named no file"));
      }
      reject(uploadError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(uploadError(0, ""));
    xhr.onabort = () => reject(new ParleyError("ABORTED", "upload cancelled"));
    const form = new FormData();
    form.append("file", file, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
