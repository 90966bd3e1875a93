// Files on their way up, in the order they were picked. A finished one
// waits for the next send of its room; a failed one shows its error until
// removed.
import type { Action } from "./actions";
import type { Upload } from "./model";

function patch(list: Upload[], id: string, fn: (u: Upload) => Upload): Upload[] {
  const i = list.findIndex((u) => u.id === id);
  if (i < 0) return list;
  const changed = fn(list[i]);
  if (changed === list[i]) return list;
  const next = list.slice();
  next[i] = changed;
  return next;
}

export function reduceUploads(list: Upload[], a: Action): Upload[] {
  switch (a.type) {
    case "upload/started":
      return [...list, a.upload];
    case "upload/progress":
      // an upload cancelled or failed meanwhile keeps its state
      return patch(list, a.id, (u) => (u.status === "uploading" && a.loaded > u.loaded ? { ...u, loaded: a.loaded } : u));
    case "upload/finished":
      return patch(list, a.id, (u) => ({ ...u, status: "done", loaded: u.size, file: a.file }));
    case "upload/failed":
      return patch(list, a.id, (u) => ({ ...u, status: "failed", error: a.error }));
    case "upload/removed": {
      const next = list.filter((u) => u.id !== a.id);
      return next.length === list.length ? list : next;
    }
    case "upload/sent": {
      const sent = new Set(a.ids);
      const next = list.filter((u) => !(u.room === a.room && sent.has(u.id)));
      return next.length === list.length ? list : next;
    }
    default:
      return list;
  }
}

/** A room's uploads, and whether a send may take them now. */
export function roomUploads(list: readonly Upload[] | undefined, room: string) {
  const mine = (list ?? []).filter((u) => u.room === room);
  return {
    all: mine,
    ready: mine.filter((u) => u.status === "done"),
    busy: mine.some((u) => u.status === "uploading"),
  };
}
