// The open room lives in the URL's hash (/#<room id>), so a reload or a
// shared link opens the same room.

/** The room a hash names ("#general", "#/general"), or "". */
export function roomOfHash(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#\/?/, ""));
  } catch {
    return ""; // a hand-typed, malformed escape
  }
}

export function hashOf(room: string): string {
  return `#${encodeURIComponent(room)}`;
}

/** The room to show: the URL's, else the one on screen, else the default room, else any I am in. */
export function pickRoom(rooms: Readonly<Record<string, unknown>>, wanted: string, active: string | null, defaultRoom: string | undefined): string | null {
  return [wanted, active, defaultRoom, Object.keys(rooms)[0]].find((x): x is string => !!x && x in rooms) ?? null;
}

export type Router = typeof router;

export const router = {
  current: (): string => roomOfHash(location.hash),

  /** Shows room in the URL without a history entry: switching rooms is not navigation to go back through. */
  show(room: string): void {
    if (roomOfHash(location.hash) !== room) history.replaceState(null, "", hashOf(room));
  },

  clear(): void {
    history.replaceState(null, "", location.pathname);
  },

  /** Follows the URL when it is edited by hand or a link to a room is followed. */
  listen(open: (room: string) => void): () => void {
    const onHash = () => {
      const room = roomOfHash(location.hash);
      if (room) open(room);
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  },
};
