// Browse and join public rooms, create a room, start a direct message.
// Native <dialog> gives focus trapping and Escape for free.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useClient, useChat } from "../context";
import { ParleyError } from "../errors";
import { t } from "../i18n";
import type { Room, User } from "../types";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { InviteDialog, RoomDialog } from "./RoomDialogs";
import { SearchDialog } from "./SearchDialog";

export function Dialogs() {
  const dialog = useChat((s) => s.ui.dialog);
  if (dialog === "browse") return <BrowseDialog />;
  if (dialog === "create") return <CreateDialog />;
  if (dialog === "direct") return <DirectDialog />;
  if (dialog === "password") return <PasswordDialog />;
  if (dialog === "room") return <RoomDialog />;
  if (dialog === "invite") return <InviteDialog />;
  if (dialog === "search") return <SearchDialog />;
  return null;
}

export function useClose(): () => void {
  const client = useClient();
  return () => client.dispatch({ type: "ui/dialog", dialog: null });
}

export function Modal({ title, children }: { title: string; children: ComponentChildren }) {
  const close = useClose();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} class="modal" aria-label={title} onClose={close} onClick={(e) => e.target === ref.current && close()}>
      <div class="modal-body">
        <header class="modal-head">
          <h2>{title}</h2>
          <button type="button" class="icon-btn" aria-label={t("close")} onClick={close}>
            <Icon name="close" />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

export function useAction() {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError("");
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ParleyError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function BrowseDialog() {
  const client = useClient();
  const mine = useChat((s) => s.chat.rooms);
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const { error, busy, run } = useAction();
  useEffect(() => {
    void run(async () => setRooms(await client.publicRooms()));
  }, []);
  return (
    <Modal title={t("browseRooms")}>
      {error && <p class="form-error" role="alert">{error}</p>}
      {rooms && rooms.length === 0 && <p class="muted">{t("noPublicRooms")}</p>}
      <ul class="browse-list">
        {rooms?.map((r) => (
          <li key={r.id}>
            <div>
              <strong>#{r.name}</strong>
              {r.private && (
                <span class="tag">
                  <Icon name="lock" size={11} /> {t("private")}
                </span>
              )}
              {r.topic && <p class="muted">{r.topic}</p>}
            </div>
            {mine[r.id] ? (
              <button type="button" class="ghost-btn" onClick={() => client.openRoom(r.id)}>
                {t("open")}
              </button>
            ) : (
              <button type="button" class="primary-btn" disabled={busy} onClick={() => void run(() => client.joinRoom(r))}>
                {t("join")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function CreateDialog() {
  const client = useClient();
  const close = useClose();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [priv, setPriv] = useState(false);
  const { error, busy, run } = useAction();
  return (
    <Modal title={t("createRoom")}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => client.createRoom(name, topic, priv));
        }}
      >
        <label>
          {t("roomName")}
          <input value={name} required maxLength={64} autoFocus onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t("topic")}
          <input value={topic} maxLength={256} onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.currentTarget.checked)} />
          {t("privateRoom")}
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="modal-actions">
          <button type="button" class="ghost-btn" onClick={close}>
            {t("cancel")}
          </button>
          <button type="submit" class="primary-btn" disabled={busy || !name.trim()}>
            {t("create")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** How many people the direct-message picker lists at once. */
const PICKER_SIZE = 8;

// A combobox: type a name or username prefix, pick a person with the
// arrows and Enter or a click; Enter with nobody picked still opens the
// exact username typed.
function DirectDialog() {
  const client = useClient();
  const close = useClose();
  const me = useChat((s) => s.chat.session!.user);
  const [user, setUser] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [active, setActive] = useState(-1);
  const { error, busy, run } = useAction();
  useEffect(() => {
    const q = user.trim().replace(/^@/, "");
    if (!q) {
      setFound([]);
      setActive(-1);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      // one more than shown, since I may be among them
      void client
        .searchPeople(q, PICKER_SIZE + 1)
        .then((users) => {
          if (!current) return;
          setFound(users.filter((u) => u.id !== me.id).slice(0, PICKER_SIZE));
          setActive(-1);
        })
        .catch(() => current && setFound([]));
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [user]);
  const open = (username: string) => void run(() => client.openDirect(username));
  const onKeyDown = (e: KeyboardEvent) => {
    if (!found.length) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => (a + 1) % found.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => (a <= 0 ? found.length - 1 : a - 1));
    }
  };
  const listId = "direct-people";
  const expanded = found.length > 0;
  return (
    <Modal title={t("newDirect")}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          open(active >= 0 && found[active] ? found[active].username : user);
        }}
      >
        <label>
          {t("dmWith")}
          <input
            value={user}
            required
            autoFocus
            autoCapitalize="none"
            autoComplete="off"
            spellcheck={false}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
            onKeyDown={onKeyDown}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <ul class="browse-list people-list picker-list" id={listId} role="listbox" aria-label={t("peopleFound")} hidden={!expanded}>
          {found.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? "active" : ""}
              data-person={u.username}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => open(u.username)}
            >
              <span class="person">
                <Avatar user={u} size="sm" />
                <span>
                  {u.displayName || u.username} <span class="muted">@{u.username}</span>
                </span>
              </span>
            </li>
          ))}
        </ul>
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="modal-actions">
          <button type="button" class="ghost-btn" onClick={close}>
            {t("cancel")}
          </button>
          <button type="submit" class="primary-btn" disabled={busy || !user.trim()}>
            {t("startDirect")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function PasswordDialog() {
  const client = useClient();
  const close = useClose();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError("");
    try {
      await client.changePassword(current, password);
      setDone(true);
    } catch (err) {
      // A wrong current password is UNAUTHORIZED like a bad login; the
      // session itself is fine, so say which password was wrong.
      const wrong = err instanceof ParleyError && err.code === "UNAUTHORIZED";
      setError(wrong ? t("errWrongPassword") : err instanceof ParleyError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return (
      <Modal title={t("changePassword")}>
        <p role="status">{t("passwordChanged")}</p>
        <div class="modal-actions">
          <button type="button" class="primary-btn" autoFocus onClick={close}>
            {t("close")}
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title={t("changePassword")}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {t("currentPassword")}
          <input type="password" name="current" value={current} required autoFocus autoComplete="current-password" onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          {t("newPassword")}
          <input type="password" name="password" value={password} required minLength={8} autoComplete="new-password" aria-describedby="new-password-hint" onInput={(e) => setPassword(e.currentTarget.value)} />
          <span id="new-password-hint" class="muted">{t("passwordHint")}</span>
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="modal-actions">
          <button type="button" class="ghost-btn" onClick={close}>
            {t("cancel")}
          </button>
          <button type="submit" class="primary-btn" disabled={busy || !current || !password}>
            {t("changePassword")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
