// The browser around the chat: the network going and coming back, the tab
// being shown or left, a clock for what expires, and the tab's title.
import { t } from "../i18n";
import { totalUnread } from "../state/selectors";
import type { AppStore } from "./scope";

export interface BrowserHooks {
  /** The network is gone. */
  offline(): void;
  online(): void;
  /** The page is on screen again (tab shown, window focused). */
  shown(): void;
  /** The page is going away (closed, reloaded, navigated, frozen on a phone). */
  leaving(): void;
  /** Every second, for what expires (typing signals). */
  tick(now: number): void;
}

export const TICK_MS = 1000;

export function pageVisible(): boolean {
  return document.visibilityState !== "hidden";
}

/** Listens while a session runs; returns the function that stops listening. */
export function watchBrowser(hooks: BrowserHooks): () => void {
  const onVisible = () => {
    if (pageVisible()) hooks.shown();
  };
  // pagehide rather than beforeunload: it also fires when a phone freezes
  // the tab, and it does not keep the page out of the back/forward cache
  const onLeave = () => hooks.leaving();
  const onOffline = () => hooks.offline();
  const onOnline = () => hooks.online();
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);
  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("focus", onVisible);
  window.addEventListener("pagehide", onLeave);
  const timer = window.setInterval(() => hooks.tick(Date.now()), TICK_MS);
  return () => {
    window.removeEventListener("offline", onOffline);
    window.removeEventListener("online", onOnline);
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("focus", onVisible);
    window.removeEventListener("pagehide", onLeave);
    clearInterval(timer);
  };
}

/** "(3) Parley" while three messages are unread, so a background tab shows it. */
export function titleOf(unread: number): string {
  return unread > 0 ? `(${unread}) ${t("appName")}` : t("appName");
}

export function showUnreadInTitle(store: AppStore): () => void {
  let shown = "";
  const update = () => {
    const title = titleOf(totalUnread(store.get().chat));
    if (title !== shown) document.title = shown = title;
  };
  update();
  return store.subscribe(update);
}
