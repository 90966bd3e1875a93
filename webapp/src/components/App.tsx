import { useEffect } from "preact/hooks";
import { useClient, useChat } from "../context";
import { t } from "../i18n";
import { Composer } from "./Composer";
import { Dialogs } from "./Dialogs";
import { DropZone } from "./DropZone";
import { Login } from "./Login";
import { MemberList } from "./MemberList";
import { MessageList } from "./MessageList";
import { RoomHeader } from "./RoomHeader";
import { Sidebar } from "./Sidebar";
import { ThreadPanel } from "./ThreadPanel";
import { TypingLine } from "./TypingLine";
import { isSearchShortcut } from "./shortcuts";

export function App() {
  const signedIn = useChat((s) => s.chat.session !== null);
  return signedIn ? <Chat /> : <Login />;
}

function Chat() {
  const client = useClient();
  const me = useChat((s) => s.chat.session!.user);
  const room = useChat((s) => (s.chat.active ? s.chat.rooms[s.chat.active] : undefined));
  const connection = useChat((s) => s.chat.connection);
  const sidebarOpen = useChat((s) => s.ui.sidebarOpen);
  const membersOpen = useChat((s) => s.ui.membersOpen);

  const closeDrawers = () => {
    client.dispatch({ type: "ui/sidebar", open: false });
    client.dispatch({ type: "ui/members", open: false });
  };

  // Alt+↑/↓ moves between rooms; Ctrl+K (⌘K) searches; Escape closes the phone drawers.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isSearchShortcut(e)) {
        e.preventDefault();
        client.dispatch({ type: "ui/dialog", dialog: "search" });
      } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        const links = [...document.querySelectorAll<HTMLElement>(".room-link")];
        const i = links.findIndex((l) => l.classList.contains("active"));
        const next = links[(i + (e.key === "ArrowDown" ? 1 : links.length - 1)) % links.length];
        if (next?.dataset.room) {
          e.preventDefault();
          client.openRoom(next.dataset.room);
          document.getElementById("composer")?.focus();
        }
      } else if (e.key === "Escape") {
        closeDrawers();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [client]);

  const offline = connection === "reconnecting" || connection === "connecting";
  return (
    <div class={`app${sidebarOpen ? " sidebar-open" : ""}${membersOpen ? " members-open" : ""}`} data-connection={connection}>
      <a class="skip-link" href="#composer">
        {t("skipToComposer")}
      </a>
      <Sidebar />
      {(sidebarOpen || membersOpen) && <div class="scrim" aria-hidden="true" onClick={closeDrawers} />}
      <main class="room">
        {room ? (
          <DropZone key={room.room.id} onFiles={(files) => client.upload(room.room.id, files)}>
            <RoomHeader room={room} />
            {offline && (
              <div class="conn-banner" role="status">
                <span class="spinner" aria-hidden="true" />
                {connection === "connecting" ? t("connecting") : t("reconnecting")}
              </div>
            )}
            <MessageList room={room} me={me} />
            <TypingLine room={room} />
            <Composer room={room} me={me} />
          </DropZone>
        ) : (
          <div class="empty-room">
            {offline && (
              <div class="conn-banner" role="status">
                <span class="spinner" aria-hidden="true" />
                {t("connecting")}
              </div>
            )}
          </div>
        )}
      </main>
      {room && <MemberList room={room} />}
      {room && <ThreadPanel />}
      <Dialogs />
    </div>
  );
}
