// Signing in or out starts the chat over: nothing of one account's rooms
// may show under the next.
import type { ActionOf } from "./actions";
import { initialChat, type ChatState } from "./model";

export const sessionStarted = (_: ChatState, a: ActionOf<"session/started">): ChatState => initialChat(a.session);

/** Logged out here, or the server refused the token: either way no account
 * is left; the sign-in page tells why when the server said so. */
export const sessionEnded = (a?: ActionOf<"session/rejected">): ChatState => ({ ...initialChat(null), ended: a?.reason ?? null });
