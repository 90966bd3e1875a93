// Everything that changes the client's state, as data. Effects (sockets,
// timers, the browser) only ever dispatch these; the reducers decide what
// they mean. Anything impure (the time, a new id) travels in the action.
import type { Session } from "../api";
import type { Attachment, Message, NotifyLevel, Page, Quote, Role, Room, StreamDelta, Thread, User } from "../types";
import type { Dialog, MessageRef, ServerConfig, SessionEndReason, Upload } from "./model";

export type Action =
  // session and deployment
  | { type: "session/started"; session: Session }
  | { type: "session/ended" }
  /** The server no longer accepts the token (account gone, token expired
   * or revoked); reason is session:ended's when the server said why. */
  | { type: "session/rejected"; reason?: SessionEndReason }
  | { type: "config/loaded"; config: ServerConfig }
  // the socket
  | { type: "socket/connecting" }
  | { type: "socket/connected" }
  | { type: "socket/disconnected" }
  | { type: "socket/connectFailed" }
  // the room list and which room is on screen
  | { type: "rooms/listed"; rooms: Room[] }
  /** The person opened a room. */
  | { type: "room/opened"; room: string }
  /** A sync chose the room to show (the URL's, the previous one, the default...). */
  | { type: "room/selected"; room: string | null }
  | { type: "room/read"; room: string }
  /** The server took my new notification level for the room. */
  | { type: "room/notify"; room: string; level: NotifyLevel }
  | { type: "members/loaded"; room: string; members: User[] }
  | { type: "member/changed"; room: string; user: User; joined: boolean }
  /** A member's role changed (room:role, or an owner left and the room passed on). */
  | { type: "member/role"; room: string; user: User; role: Role }
  /** The room's name or topic changed (room:updated). */
  | { type: "room/updated"; room: Room }
  // room logs
  | { type: "history/loaded"; room: string; page: Page }
  | { type: "older/requested"; room: string }
  | { type: "older/loaded"; room: string; page: Page }
  | { type: "older/failed"; room: string }
  /** changes: held messages that changed since rev was sent; rev: the one to send next. */
  | { type: "sync/page"; room: string; messages: Message[]; changes?: Message[]; rev?: number }
  /** Too far behind to catch up page by page: opened logs start over. */
  | { type: "sync/overflowed" }
  | { type: "message/received"; message: Message }
  | { type: "message/deleted"; room: string; id: string }
  /** A message's new copy (edit, reactions, delete). exact: made for me (an
   * ack), so its reactions' `me` is right; else message:updated's. */
  | { type: "message/updated"; message: Message; exact?: boolean }
  // my sends, optimistic until acknowledged
  | { type: "send/queued"; room: string; clientMsgId: string; text: string; createdAt: string; replyTo?: Quote; attachments?: Attachment[] }
  | { type: "send/attempted"; room: string; clientMsgId: string }
  | { type: "send/acked"; room: string; message: Message }
  | { type: "send/failed"; room: string; clientMsgId: string; error: { code: string; message: string } }
  | { type: "send/retried"; room: string; clientMsgId: string }
  | { type: "send/discarded"; room: string; clientMsgId: string }
  // the thread panel
  | { type: "thread/opened"; room: string; id: string }
  /** A page of the thread; more: replies after those held (else the first page). */
  | { type: "thread/loaded"; room: string; id: string; thread: Thread; more?: boolean }
  | { type: "thread/failed"; room: string; id: string; error: string }
  | { type: "thread/closed" }
  // live signals
  | { type: "stream/delta"; delta: StreamDelta; at: string }
  | { type: "typing/changed"; room: string; user: User; typing: boolean; now: number }
  | { type: "typing/expired"; now: number }
  | { type: "presence/changed"; user: User; online: boolean }
  // UI flags
  | { type: "ui/dialog"; dialog: Dialog }
  | { type: "ui/sidebar"; open?: boolean }
  | { type: "ui/members"; open?: boolean }
  /** Starts (or, with null, ends) editing a message in place. */
  | { type: "ui/edit"; message: MessageRef | null }
  | { type: "ui/reply"; room: string; quote: Quote | null }
  | { type: "ui/highlight"; message: MessageRef | null }
  | { type: "ui/notice"; notice: string | null }
  // files on their way up (client/uploads.ts)
  | { type: "upload/started"; upload: Upload }
  | { type: "upload/progress"; id: string; loaded: number }
  | { type: "upload/finished"; id: string; file: Attachment }
  | { type: "upload/failed"; id: string; error: { code: string; message: string } }
  | { type: "upload/removed"; id: string }
  /** A send took the room's finished uploads. */
  | { type: "upload/sent"; room: string; ids: string[] };

export type ActionType = Action["type"];
export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;
