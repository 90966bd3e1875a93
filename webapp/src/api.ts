// REST calls (docs/protocol.md §5, prefix /api), same origin.
import { ParleyError } from "./errors";
import type { ServerConfig } from "./state/model";
import type { Room, SearchPage, User } from "./types";

export interface Session {
  token: string;
  user: User;
}

async function request<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ParleyError("OFFLINE", "network unreachable");
  }
  let data: unknown = undefined;
  try {
    data = await res.json();
  } catch {
    /* a proxy's HTML error page, or no body */
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ParleyError(err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText);
  }
  return data as T;
}

export const api = {
  config: () => request<ServerConfig>("GET", "/api/config"),
  register: (username: string, password: string, displayName?: string) =>
    request<Session>("POST", "/api/auth/register", undefined, { username, password, ...(displayName ? { displayName } : {}) }),
  login: (username: string, password: string) => request<Session>("POST", "/api/auth/login", undefined, { username, password }),
  logout: (token: string) => request<void>("POST", "/api/auth/logout", token),
  logoutEverywhere: (token: string) => request<void>("POST", "/api/auth/logout/everywhere", token),
  changePassword: (token: string, current: string, password: string) =>
    request<void>("POST", "/api/me/password", token, { current, password }),
  rooms: (token: string) => request<{ rooms: Room[] }>("GET", "/api/rooms", token),
  publicRooms: (token: string) => request<{ rooms: Room[] }>("GET", "/api/rooms/public", token),
  searchUsers: (token: string, q: string, limit: number) =>
    request<{ users: User[] }>("GET", `/api/users?q=${encodeURIComponent(q)}&limit=${limit}`, token),
  /** Messages of my rooms holding every term of q, newest first; before: the last result's id. */
  search: (token: string, q: string, opts: { room?: string; before?: string; limit?: number } = {}) => {
    const query = new URLSearchParams({ q });
    if (opts.room) query.set("room", opts.room);
    if (opts.before) query.set("before", opts.before);
    if (opts.limit) query.set("limit", String(opts.limit));
    return request<SearchPage>("GET", `/api/search?${query}`, token);
  },
  createRoom: (token: string, name: string, topic: string, isPrivate: boolean) =>
    request<{ room: Room }>("POST", "/api/rooms", token, { name, topic, private: isPrivate }),
};
