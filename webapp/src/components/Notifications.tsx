// Notifications: the button that asks the browser for permission (only
// ever from a click), and a room's notification level in its header.
import { useState } from "preact/hooks";
import { notifyPermission, requestNotifications, type NotifyPermission } from "../client/notifier";
import { useClient } from "../context";
import { t } from "../i18n";
import { levelOf } from "../notify";
import type { RoomState } from "../state/model";
import type { NotifyLevel } from "../types";
import { Icon } from "./Icon";

export function EnableNotifications() {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  if (permission === "default") {
    return (
      <button type="button" class="ghost-btn enable-notify" onClick={() => void requestNotifications().then(setPermission)}>
        <Icon name="bell" size={16} /> {t("enableNotifications")}
      </button>
    );
  }
  if (permission === "denied") return <p class="muted notify-blocked">{t("notificationsBlocked")}</p>;
  return null;
}

const LEVELS: { level: NotifyLevel; label: "notifyAll" | "notifyMentions" | "notifyNone" }[] = [
  { level: "all", label: "notifyAll" },
  { level: "mentions", label: "notifyMentions" },
  { level: "none", label: "notifyNone" },
];

export function NotifyLevelSelect({ room }: { room: RoomState }) {
  const client = useClient();
  const level = levelOf(room.room);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return (
    <label class="notify-level" title={error || t("notifyLevel")}>
      <Icon name="bell" size={16} />
      <span class="visually-hidden">{t("notifyLevel")}</span>
      <select
        value={level}
        disabled={busy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const select = e.currentTarget;
          const next = select.value as NotifyLevel;
          setBusy(true);
          setError("");
          client
            .setNotify(room.room.id, next)
            .catch((err: unknown) => {
              select.value = level; // the server kept the old one
              setError(err instanceof Error ? err.message : String(err));
            })
            .finally(() => setBusy(false));
        }}
      >
        {LEVELS.map((l) => (
          <option key={l.level} value={l.level}>
            {t(l.label)}
          </option>
        ))}
      </select>
    </label>
  );
}
