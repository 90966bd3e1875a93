// The one entry point: (state, action) => state, each slice by its own
// reducer. Slices an action does not concern come back unchanged (===),
// so the views selecting them do not re-render.
import type { Action } from "./actions";
import { reduceConfig } from "./config";
import { socketConnectFailed, socketConnected, socketConnecting, socketDisconnected } from "./connection";
import { historyLoaded, messageDeleted, messageReceived, messageUpdated, olderFailed, olderLoaded, olderRequested, sendAcked, streamDelta, syncOverflowed, syncPage } from "./log";
import { memberChanged, memberRole, membersLoaded, presenceChanged } from "./members";
import type { AppState, ChatState } from "./model";
import { sendAttempted, sendDiscarded, sendFailed, sendQueued, sendRetried } from "./outbox";
import { roomNotify, roomOpened, roomRead, roomSelected, roomUpdated, roomsListed } from "./rooms";
import { sessionEnded, sessionStarted } from "./session";
import { typingChanged, typingExpired } from "./typing";
import { followThread, reduceThread } from "./thread";
import { reduceUi } from "./ui";

export function reduceChat(s: ChatState, a: Action): ChatState {
  switch (a.type) {
    case "session/started":
      return sessionStarted(s, a);
    case "session/ended":
      return sessionEnded();
    case "session/rejected":
      return sessionEnded(a);
    case "socket/connecting":
      return socketConnecting(s);
    case "socket/connected":
      return socketConnected(s);
    case "socket/disconnected":
      return socketDisconnected(s);
    case "socket/connectFailed":
      return socketConnectFailed(s);
    case "rooms/listed":
      return roomsListed(s, a);
    case "room/opened":
      return roomOpened(s, a);
    case "room/selected":
      return roomSelected(s, a);
    case "room/read":
      return roomRead(s, a);
    case "room/notify":
      return roomNotify(s, a);
    case "room/updated":
      return roomUpdated(s, a);
    case "member/role":
      return memberRole(s, a);
    case "members/loaded":
      return membersLoaded(s, a);
    case "member/changed":
      return memberChanged(s, a);
    case "presence/changed":
      return presenceChanged(s, a);
    case "history/loaded":
      return historyLoaded(s, a);
    case "older/requested":
      return olderRequested(s, a);
    case "older/loaded":
      return olderLoaded(s, a);
    case "older/failed":
      return olderFailed(s, a);
    case "sync/page":
      return syncPage(s, a);
    case "sync/overflowed":
      return syncOverflowed(s);
    case "message/received":
      return messageReceived(s, a);
    case "message/deleted":
      return messageDeleted(s, a);
    case "message/updated":
      return messageUpdated(s, a);
    case "send/queued":
      return sendQueued(s, a);
    case "send/attempted":
      return sendAttempted(s, a);
    case "send/acked":
      return sendAcked(s, a);
    case "send/failed":
      return sendFailed(s, a);
    case "send/retried":
      return sendRetried(s, a);
    case "send/discarded":
      return sendDiscarded(s, a);
    case "stream/delta":
      return streamDelta(s, a);
    case "typing/changed":
      return typingChanged(s, a);
    case "typing/expired":
      return typingExpired(s, a);
    case "config/loaded":
    case "ui/dialog":
    case "ui/sidebar":
    case "ui/members":
    case "ui/edit":
    case "ui/reply":
    case "ui/highlight":
    case "ui/notice":
    case "upload/started":
    case "upload/progress":
    case "upload/finished":
    case "upload/failed":
    case "upload/removed":
    case "upload/sent":
      return s;
    case "thread/opened":
    case "thread/loaded":
    case "thread/failed":
    case "thread/closed":
      return reduceThread(s, a);
  }
}

export function reduce(s: AppState, a: Action): AppState {
  const config = reduceConfig(s.config, a);
  const chat = followThread(reduceChat(s.chat, a), a);
  const ui = reduceUi(s.ui, a);
  return config === s.config && chat === s.chat && ui === s.ui ? s : { config, chat, ui };
}
