// The UI's flags: which dialog and which phone drawers are open. Kept out
// of the chat state, which they never influence.
import type { Action } from "./actions";
import { initialUi, type UiState } from "./model";
import { reduceUploads } from "./uploads";

export function reduceUi(s: UiState, a: Action): UiState {
  switch (a.type) {
    case "ui/dialog":
      // on a phone the dialog would open under the rooms drawer
      return { ...s, dialog: a.dialog, sidebarOpen: a.dialog ? false : s.sidebarOpen };
    case "ui/sidebar":
      return { ...s, sidebarOpen: a.open ?? !s.sidebarOpen };
    case "ui/members":
      return { ...s, membersOpen: a.open ?? !s.membersOpen };
    case "ui/edit":
      return { ...s, editing: a.message };
    case "ui/reply":
      return { ...s, replyTo: a.quote ? { room: a.room, quote: a.quote } : null };
    case "ui/highlight":
      return { ...s, highlight: a.message };
    case "ui/notice":
      return { ...s, notice: a.notice };
    case "room/opened": {
      // the room was picked from the drawer or a dialog: show it
      const next = s.sidebarOpen || s.dialog ? { ...s, sidebarOpen: false, dialog: null } : s;
      return next.editing && next.editing.room !== a.room ? { ...next, editing: null } : next;
    }
    case "session/started":
    case "session/ended":
    case "session/rejected":
      return initialUi();
    case "upload/started":
    case "upload/progress":
    case "upload/finished":
    case "upload/failed":
    case "upload/removed":
    case "upload/sent": {
      const before = s.uploads ?? [];
      const uploads = reduceUploads(before, a);
      return uploads === before ? s : { ...s, uploads };
    }
    default:
      return s;
  }
}
