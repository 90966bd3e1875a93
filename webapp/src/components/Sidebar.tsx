// My rooms and direct messages, with unread badges and presence dots.
import type { ComponentChildren } from "preact";
import { useClient, useChat } from "../context";
import { t } from "../i18n";
import type { Dialog, RoomState } from "../state/model";
import { directPeer, directRooms, groupRooms, unreadMentionsOf, unreadOf } from "../state/selectors";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { EnableNotifications } from "./Notifications";

export function Sidebar() {
  const client = useClient();
  const rooms = useChat((s) => s.chat.rooms);
  const defaultRoom = useChat((s) => s.config?.defaultRoom);
  const active = useChat((s) => s.chat.active);
  const me = useChat((s) => s.chat.session!.user);
  const presence = useChat((s) => s.chat.presence);
  const open = useChat((s) => s.ui.sidebarOpen);
  const groups = groupRooms(rooms, defaultRoom);
  const directs = directRooms(rooms);
  const setDialog = (dialog: Dialog) => client.dispatch({ type: "ui/dialog", dialog });

  return (
    <nav class={`sidebar${open ? " open" : ""}`} aria-label={t("rooms")}>
      <div class="sidebar-head">
        <span class="brand">
          <svg viewBox="0 0 64 64" width="22" height="22" aria-hidden="true">
            <rect width="64" height="64" rx="14" fill="currentColor" />
            <path d="M16 20a6 6 0 0 1 6-6h20a6 6 0 0 1 6 6v14a6 6 0 0 1-6 6H30l-9 8v-8h1a6 6 0 0 1-6-6z" fill="var(--bg-side)" />
          </svg>
          {t("appName")}
        </span>
      </div>
      <div class="sidebar-scroll">
        <Section title={t("rooms")} actions={[
          { label: t("browseRooms"), icon: <Icon name="compass" size={16} />, onClick: () => setDialog("browse") },
          { label: t("createRoom"), icon: <Icon name="plus" size={16} />, onClick: () => setDialog("create") },
        ]}>
          {groups.map((r) => (
            <RoomLink key={r.room.id} r={r} active={r.room.id === active} label={r.room.name} icon={<span class="hash" aria-hidden="true"><Icon name={r.room.private ? "lock" : "hash"} size={15} /></span>} />
          ))}
        </Section>
        <Section title={t("directMessages")} actions={[{ label: t("newDirect"), icon: <Icon name="plus" size={16} />, onClick: () => setDialog("direct") }]}>
          {directs.map((r) => {
            const peer = directPeer(r, me.id);
            const online = peer ? !!presence[peer.id] : false;
            const label = peer?.username ?? t("directMessage");
            return (
              <RoomLink
                key={r.room.id}
                r={r}
                active={r.room.id === active}
                label={label}
                extra={online ? t("online") : t("offline")}
                icon={
                  <span class="dm-icon">
                    <Avatar user={peer ?? { username: "", displayName: "", kind: "human" }} size="sm" />
                    <span class={`dot ${online ? "dot-on" : "dot-off"}`} data-presence={online ? "online" : "offline"} aria-hidden="true" />
                  </span>
                }
              />
            );
          })}
        </Section>
      </div>
      <div class="sidebar-notify">
        <EnableNotifications />
      </div>
      <div class="sidebar-foot">
        <Avatar user={me} size="sm" />
        <span class="me-name" title={me.username}>
          {me.displayName || me.username}
          <span class="muted">@{me.username}</span>
        </span>
        <button type="button" class="icon-btn" aria-label={t("changePassword")} title={t("changePassword")} onClick={() => setDialog("password")}>
          <Icon name="key" size={16} />
        </button>
        <button type="button" class="ghost-btn" onClick={() => void client.signOut()}>
          {t("logOut")}
        </button>
        <button type="button" class="ghost-btn" title={t("logOutEverywhereHint")} onClick={() => void client.signOut(true)}>
          {t("logOutEverywhere")}
        </button>
      </div>
    </nav>
  );
}

function Section({ title, actions, children }: { title: string; actions: { label: string; icon: ComponentChildren; onClick: () => void }[]; children: ComponentChildren }) {
  return (
    <section class="side-section">
      <h2 class="side-title">
        <span>{title}</span>
        <span class="side-actions">
          {actions.map((a) => (
            <button key={a.label} type="button" class="icon-btn" aria-label={a.label} title={a.label} onClick={a.onClick}>
              {a.icon}
            </button>
          ))}
        </span>
      </h2>
      <ul class="room-list">{children}</ul>
    </section>
  );
}

function RoomLink({ r, active, label, icon, extra }: { r: RoomState; active: boolean; label: string; icon: ComponentChildren; extra?: string }) {
  const client = useClient();
  const unread = active ? 0 : unreadOf(r);
  const mentions = active ? 0 : unreadMentionsOf(r);
  return (
    <li>
      <a
        href={`#${encodeURIComponent(r.room.id)}`}
        class={`room-link${active ? " active" : ""}${unread ? " has-unread" : ""}`}
        aria-current={active ? "page" : undefined}
        data-room={r.room.id}
        onClick={(e) => {
          e.preventDefault();
          client.openRoom(r.room.id);
        }}
      >
        {icon}
        <span class="room-name">{label}</span>
        {/* the name comes from the content (not aria-label), so it holds the visible text (WCAG 2.5.3);
            presence and the unread count are read as words, the dot and badge are hidden */}
        {extra && <span class="visually-hidden">, {extra}</span>}
        {mentions > 0 && (
          <span class="badge badge-mention" data-mentions={mentions} aria-hidden="true">
            @{mentions > 99 ? "99+" : mentions}
          </span>
        )}
        {mentions > 0 && <span class="visually-hidden">, {t("mentions", { n: mentions })}</span>}
        {unread > 0 && (
          <span class="badge" data-unread={unread} aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
        {unread > 0 && <span class="visually-hidden">, {t("unread", { n: unread })}</span>}
      </a>
    </li>
  );
}
