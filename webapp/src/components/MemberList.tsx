import { useState } from "preact/hooks";
import { useClient, useChat } from "../context";
import { ParleyError } from "../errors";
import { t } from "../i18n";
import type { RoomState } from "../state/model";
import { canGiveRoles, canModerate } from "../state/selectors";
import type { User } from "../types";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";

export function MemberList({ room }: { room: RoomState }) {
  const client = useClient();
  const presence = useChat((s) => s.chat.presence);
  const open = useChat((s) => s.ui.membersOpen);
  const me = useChat((s) => s.chat.session!.user);
  const members = [...(room.members ?? [])];
  const online = (u: User) => u.kind === "bot" || !!presence[u.id];
  members.sort((a, b) => Number(online(b)) - Number(online(a)) || a.username.localeCompare(b.username));
  const group = room.room.kind === "group";
  const moderator = canModerate(room.room, me);
  const giveRoles = canGiveRoles(room.room, me);
  const [error, setError] = useState("");
  const act = (fn: () => Promise<void>) => {
    setError("");
    fn().catch((err) => setError(err instanceof ParleyError ? err.message : String(err)));
  };
  return (
    <aside class={`members${open ? " open" : ""}`} aria-label={t("members")}>
      <h2 class="members-title">
        {t("members")} <span class="muted">{members.length || ""}</span>
        <button type="button" class="icon-btn members-close" aria-label={t("close")} onClick={() => client.dispatch({ type: "ui/members", open: false })}>
          <Icon name="close" />
        </button>
      </h2>
      {moderator && (
        <button type="button" class="ghost-btn invite-btn" aria-haspopup="dialog" onClick={() => client.dispatch({ type: "ui/dialog", dialog: "invite" })}>
          <Icon name="userPlus" size={16} /> {t("invitePeople")}
        </button>
      )}
      {error && <p class="form-error" role="alert">{error}</p>}
      <ul class="member-list">
        {members.map((u) => (
          <li key={u.id} class="member" data-member={u.username} data-presence={online(u) ? "online" : "offline"}>
            <span class="dm-icon">
              <Avatar user={u} size="sm" />
              <span class={`dot ${online(u) ? "dot-on" : "dot-off"}`} aria-hidden="true" />
            </span>
            <span class="member-name">
              {u.displayName || u.username}
              {u.kind === "bot" && <span class="tag tag-bot">{t("bot")}</span>}
              {u.kind === "service" && <span class="tag">{t("service")}</span>}
              {group && u.role === "owner" && <span class="tag tag-role">{t("roleOwner")}</span>}
              {group && u.role === "admin" && <span class="tag tag-role">{t("roleAdmin")}</span>}
              <span class="visually-hidden">, {online(u) ? t("online") : t("offline")}</span>
            </span>
            {u.id !== me.id && u.kind === "human" && room.room.kind === "group" && (
              <button type="button" class="ghost-btn small" aria-label={`${t("newDirect")}: ${u.username}`} onClick={() => void client.openDirect(u.username)}>
                <Icon name="chat" size={14} />
              </button>
            )}
            {giveRoles && u.id !== me.id && u.kind === "human" && u.role !== "owner" && (
              <button
                type="button"
                class="ghost-btn small"
                aria-label={t(u.role === "admin" ? "makeMember" : "makeAdmin", { user: u.username })}
                title={t(u.role === "admin" ? "makeMember" : "makeAdmin", { user: u.username })}
                onClick={() => act(() => client.setRole(room.room.id, u.username, u.role === "admin" ? "member" : "admin"))}
              >
                <Icon name="settings" size={14} />
              </button>
            )}
            {moderator && u.id !== me.id && u.role !== "owner" && (
              <button
                type="button"
                class="ghost-btn small"
                aria-label={t("kick", { user: u.username })}
                title={t("kick", { user: u.username })}
                onClick={() => act(() => client.kick(room.room.id, u.username))}
              >
                <Icon name="close" size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
