// What the UI needs to know about files: sizes people read, which files
// show inline, and the files a paste or a drop carries.
import type { Attachment } from "./types";

const UNITS = ["B", "KB", "MB", "GB"];

/** 1536 → "1.5 KB" (binary multiples, as the server's limits are). */
export function humanSize(bytes: number): string {
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024;
    u++;
  }
  const shown = u === 0 || n >= 10 ? Math.round(n).toString() : (Math.round(n * 10) / 10).toString();
  return `${shown} ${UNITS[u]}`;
}

// Raster formats every browser shows; SVG is excluded (the server serves
// it as a download: script in an image is not worth the risk).
const INLINE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"]);

export function showsInline(a: Pick<Attachment, "contentType">): boolean {
  return INLINE.has(a.contentType.toLowerCase().split(";")[0].trim());
}

/** The box an inline image takes (its size fitted into max), so the log does not jump when it loads. */
export function fitBox(width: number | undefined, height: number | undefined, max = { width: 360, height: 270 }): { width: number; height: number } | null {
  if (!width || !height) return null;
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Whether a signed file URL has expired (its exp query value, in Unix
 * seconds, is past). A URL without one is taken as fresh.
 */
export function expired(url: string, nowMs: number): boolean {
  let exp: string | null;
  try {
    exp = new URL(url, "http://parley.invalid").searchParams.get("exp");
  } catch {
    return false;
  }
  return !!exp && /^\d+$/.test(exp) && Number(exp) * 1000 <= nowMs;
}

/** The files of a paste or a drop (text and links carry none). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files && data.files.length > 0) return [...data.files];
  const out: File[] = [];
  for (const item of data.items ?? []) {
    if (item.kind !== "file") continue;
    const f = item.getAsFile();
    if (f) out.push(f);
  }
  return out;
}
