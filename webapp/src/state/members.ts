// Who is in a room and who is online.
import type { ActionOf } from "./actions";
import { withRoom, type ChatState } from "./model";

/** A member list is also the freshest presence of everyone in it. */
export function membersLoaded(s: ChatState, a: ActionOf<"members/loaded">): ChatState {
  const presence = { ...s.presence };
  for (const u of a.members) presence[u.id] = !!u.online;
  return withRoom({ ...s, presence }, a.room, (r) => ({ ...r, members: a.members }));
}

/**
 * Someone else joined or left. My own membership changes are not patched
 * here: they change the room list, which a sync fetches.
 */
export function memberChanged(s: ChatState, a: ActionOf<"member/changed">): ChatState {
  if (a.user.id === s.session?.user.id) return s;
  return withRoom(s, a.room, (r) => {
    if (!r.members) return r; // fetched whole when the room is opened
    const others = r.members.filter((u) => u.id !== a.user.id);
    if (!a.joined && others.length === r.members.length) return r;
    return { ...r, members: a.joined ? [...others, a.user] : others };
  });
}

/** The role shows in the member list; mine also decides what the room offers me. */
export function memberRole(s: ChatState, a: ActionOf<"member/role">): ChatState {
  const mine = a.user.id === s.session?.user.id;
  return withRoom(s, a.room, (r) => ({
    ...r,
    room: mine ? { ...r.room, role: a.role } : r.room,
    members: r.members?.map((u) => (u.id === a.user.id ? { ...u, role: a.role } : u)) ?? null,
  }));
}

export function presenceChanged(s: ChatState, a: ActionOf<"presence/changed">): ChatState {
  return s.presence[a.user.id] === a.online ? s : { ...s, presence: { ...s.presence, [a.user.id]: a.online } };
}
