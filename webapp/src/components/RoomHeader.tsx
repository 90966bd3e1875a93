import { useClient, useChat } from "../context";
import { t } from "../i18n";
import { Icon } from "./Icon";
import { NotifyLevelSelect } from "./Notifications";
import { searchShortcutLabel } from "./shortcuts";
import type { RoomState } from "../state/model";
import { roomTitle, totalUnread } from "../state/selectors";

export function RoomHeader({ room }: { room: RoomState }) {
  const client = useClient();
  const me = useChat((s) => s.chat.session!.user);
  const unread = useChat((s) => totalUnread(s.chat));
  const membersOpen = useChat((s) => s.ui.membersOpen);
  const title = roomTitle(room, me.id, t("directMessage"));
  return (
    <header class="room-head">
      <button type="button" class="icon-btn menu-btn" aria-label={t("menu")} onClick={() => client.dispatch({ type: "ui/sidebar" })}>
        <Icon name="menu" />{unread > 0 && <span class="menu-dot" aria-hidden="true" />}
      </button>
      <div class="room-title">
        <h1>
          <span class="muted">{room.room.kind === "direct" ? "@" : "#"}</span>
          {title}
          {room.room.private && room.room.kind === "group" && <span class="tag"><Icon name="lock" size={11} /> {t("private")}</span>}
        </h1>
        {room.room.topic && <p class="room-topic">{room.room.topic}</p>}
      </div>
      <button
        type="button"
        class="icon-btn search-btn"
        aria-label={t("search")}
        title={`${t("search")} (${searchShortcutLabel()})`}
        aria-haspopup="dialog"
        aria-keyshortcuts={searchShortcutLabel() === "⌘K" ? "Meta+K" : "Control+K"}
        onClick={() => client.dispatch({ type: "ui/dialog", dialog: "search" })}
      >
        <Icon name="search" />
      </button>
      <NotifyLevelSelect key={room.room.id} room={room} />
      {room.room.kind === "group" && (
        <button type="button" class="icon-btn" aria-label={t("roomSettings")} aria-haspopup="dialog" onClick={() => client.dispatch({ type: "ui/dialog", dialog: "room" })}>
          <Icon name="settings" />
        </button>
      )}
      {/* named by its content, so the name holds the count a sighted user sees (WCAG 2.5.3) */}
      <button type="button" class="ghost-btn" aria-expanded={membersOpen} onClick={() => client.dispatch({ type: "ui/members" })}>
        <Icon name="members" /> <span class="visually-hidden">{t("showMembers")}: </span><span class="count">{room.members?.length ?? ""}</span>
      </button>
    </header>
  );
}
