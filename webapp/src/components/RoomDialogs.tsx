// The active room's settings (name, topic, leaving) and inviting people to
// it through a search of accounts (GET /api/users).
import { useEffect, useState } from "preact/hooks";
import { useClient, useChat } from "../context";
import { t } from "../i18n";
import { canModerate } from "../state/selectors";
import type { User } from "../types";
import { Avatar } from "./Avatar";
import { Modal, useAction, useClose } from "./Dialogs";


function useActiveRoom() {
  return useChat((s) => (s.chat.active ? s.chat.rooms[s.chat.active] : undefined));
}

export function RoomDialog() {
  const client = useClient();
  const close = useClose();
  const room = useActiveRoom();
  const me = useChat((s) => s.chat.session?.user);
  const [name, setName] = useState(room?.room.name ?? "");
  const [topic, setTopic] = useState(room?.room.topic ?? "");
  const [done, setDone] = useState(false);
  const { error, busy, run } = useAction();
  if (!room) return null;
  const id = room.room.id;
  const editable = canModerate(room.room, me);
  return (
    <Modal title={t("roomSettings")}>
      {editable && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(false);
            void run(async () => {
              await client.updateRoom(id, { name, topic });
              setDone(true);
            });
          }}
        >
          <label>
            {t("roomName")}
            <input name="name" value={name} required maxLength={64} autoFocus onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {t("topic")}
            <input name="topic" value={topic} maxLength={256} onInput={(e) => setTopic(e.currentTarget.value)} />
          </label>
          {error && <p class="form-error" role="alert">{error}</p>}
          <p class="muted" role="status">{done ? t("saved") : ""}</p>
          <div class="modal-actions">
            <button type="button" class="ghost-btn" onClick={close}>
              {t("cancel")}
            </button>
            <button type="submit" class="primary-btn" disabled={busy || !name.trim()}>
              {t("saveChanges")}
            </button>
          </div>
        </form>
      )}
      {!editable && error && <p class="form-error" role="alert">{error}</p>}
      <div class="stack leave-room">
        <p class="muted">{t("leaveRoomHint")}</p>
        <button
          type="button"
          class="ghost-btn danger"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await client.leaveRoom(id);
              close();
            })
          }
        >
          {t("leaveRoom")}
        </button>
      </div>
    </Modal>
  );
}

export function InviteDialog() {
  const client = useClient();
  const room = useActiveRoom();
  const [q, setQ] = useState("");
  const [found, setFound] = useState<User[] | null>(null);
  const [status, setStatus] = useState("");
  const { error, busy, run } = useAction();
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void client
        .searchPeople(q.trim(), 8)
        .then((users) => current && setFound(users))
        .catch(() => current && setFound([]));
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);
  if (!room) return null;
  const members = new Set((room.members ?? []).map((u) => u.id));
  return (
    <Modal title={t("invitePeople")}>
      <div class="stack">
        <label>
          {t("searchPeople")}
          <input type="search" value={q} autoFocus autoCapitalize="none" autoComplete="off" spellcheck={false} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <p class="muted" role="status">{status}</p>
        {found && found.length === 0 && <p class="muted">{t("noPeopleFound")}</p>}
        <ul class="browse-list people-list">
          {found?.map((u) => (
            <li key={u.id} data-person={u.username}>
              <span class="person">
                <Avatar user={u} size="sm" />
                <span>
                  {u.displayName || u.username} <span class="muted">@{u.username}</span>
                </span>
              </span>
              {members.has(u.id) ? (
                <span class="muted">{t("alreadyMember")}</span>
              ) : (
                <button
                  type="button"
                  class="primary-btn"
                  disabled={busy}
                  aria-label={`${t("invite")} @${u.username}`}
                  onClick={() =>
                    void run(async () => {
                      setStatus("");
                      await client.invite(room.room.id, u.username);
                      setStatus(t("invited", { user: u.displayName || u.username }));
                    })
                  }
                >
                  {t("invite")}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </Modal>
  );
}
