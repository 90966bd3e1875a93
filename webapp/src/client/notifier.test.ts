import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reduce } from "../state/reducer";
import { createStore } from "../store";
import { msg, room, roomState, signedIn } from "../state/testing";
import type { AppState } from "../state/model";
import type { Action } from "../state/actions";
import { Notifier } from "./notifier";

const notifications: FakeNotification[] = [];

class FakeNotification {
  static permission: NotificationPermission = "granted";
  static shown: { title: string; options?: NotificationOptions }[] = [];
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    FakeNotification.shown.push({ title, options });
    notifications.push(this);
  }
  close() {}
}

function setup(hidden = true) {
  const lobby = roomState(room("lobby", { lastSeq: 1 }), { lastSeq: 1, readSeq: 1 });
  const dm = roomState(room("dm", { kind: "direct", lastSeq: 0 }));
  const store = createStore<AppState, Action>(reduce, signedIn([lobby, dm]));
  const opened: string[] = [];
  const state = { hidden };
  new Notifier(store, (r) => opened.push(r), () => state.hidden);
  return { store, opened, state };
}

describe("Notifier", () => {
  beforeEach(() => {
    FakeNotification.permission = "granted";
    FakeNotification.shown = [];
    notifications.length = 0;
    (globalThis as { window?: unknown }).window = { focus() {} };
    (globalThis as { Notification?: unknown }).Notification = FakeNotification;
  });
  afterEach(() => {
    delete (globalThis as { Notification?: unknown }).Notification;
    delete (globalThis as { window?: unknown }).window;
  });

  it("notifies a mention and a DM while hidden, with the room and the sender", () => {
    const { store } = setup();
    store.dispatch({ type: "message/received", message: msg("lobby", 2, { mentions: ["me"], text: "@me hi" }) });
    store.dispatch({ type: "message/received", message: msg("lobby", 3, { text: "no mention" }) });
    store.dispatch({ type: "message/received", message: msg("dm", 1, { text: "psst" }) });
    const file = { id: "f", room: "dm", name: "a.png", size: 1, contentType: "image/png", url: "/f" };
    store.dispatch({ type: "message/received", message: msg("dm", 2, { text: "", attachments: [file, { ...file, id: "g" }] }) });
    expect(FakeNotification.shown).toEqual([
      { title: "Bob in #lobby", options: { body: "@me hi", tag: "lobby-2" } },
      { title: "Bob in Direct message", options: { body: "psst", tag: "dm-1" } },
      { title: "Bob in Direct message", options: { body: "(2 files)", tag: "dm-2" } },
    ]);
  });

  it("notifies an edit that newly mentions me, once, and not one that mentioned me already", () => {
    const { store } = setup();
    const plain = msg("lobby", 1, { text: "see the doc" });
    store.dispatch({ type: "message/received", message: plain });
    const edited = { ...plain, text: "see the doc @me", mentions: ["me"], editedAt: "2026-01-01T00:00:01.000Z", rev: 5 };
    store.dispatch({ type: "message/updated", message: edited });
    store.dispatch({ type: "message/updated", message: { ...edited, text: "see the doc, @me", rev: 6 } });
    expect(FakeNotification.shown).toEqual([{ title: "Bob in #lobby", options: { body: "see the doc @me", tag: "lobby-1" } }]);
  });

  it("does not notify a reaction on a message that mentioned me already", () => {
    const { store } = setup();
    const m = msg("lobby", 2, { text: "@me hi", mentions: ["me"] });
    store.dispatch({ type: "message/received", message: m });
    FakeNotification.shown = [];
    store.dispatch({ type: "message/updated", message: { ...m, rev: 9, reactions: [{ emoji: "👍", count: 1, users: ["ann"], me: false }] } });
    expect(FakeNotification.shown).toEqual([]);
  });

  it("honours the room's level", () => {
    const { store } = setup();
    store.dispatch({ type: "room/notify", room: "lobby", level: "none" });
    store.dispatch({ type: "room/notify", room: "dm", level: "mentions" });
    store.dispatch({ type: "message/received", message: msg("lobby", 2, { mentions: ["me"] }) });
    store.dispatch({ type: "message/received", message: msg("dm", 1) });
    expect(FakeNotification.shown).toEqual([]);
    store.dispatch({ type: "room/notify", room: "lobby", level: "all" });
    store.dispatch({ type: "message/received", message: msg("lobby", 3) });
    expect(FakeNotification.shown.map((n) => n.options?.tag)).toEqual(["lobby-3"]);
  });

  it("stays quiet while the page is visible, without permission, for my own and repeated messages", () => {
    const { store, state } = setup(false);
    store.dispatch({ type: "message/received", message: msg("dm", 1) });
    state.hidden = true;
    FakeNotification.permission = "default";
    store.dispatch({ type: "message/received", message: msg("dm", 2) });
    FakeNotification.permission = "granted";
    store.dispatch({ type: "message/received", message: msg("dm", 3, { sender: store.get().chat.session!.user }) });
    store.dispatch({ type: "message/received", message: msg("dm", 4) });
    store.dispatch({ type: "message/received", message: msg("dm", 4) });
    expect(FakeNotification.shown.map((n) => n.options?.tag)).toEqual(["dm-4"]);
  });

  it("notifies the first message of a room not listed yet once the list comes, and opens the room on click", () => {
    const { store, opened } = setup();
    store.dispatch({ type: "message/received", message: msg("new-dm", 1, { text: "hello" }) });
    expect(FakeNotification.shown).toEqual([]);
    store.dispatch({ type: "rooms/listed", rooms: [...Object.values(store.get().chat.rooms).map((r) => r.room), room("new-dm", { kind: "direct", lastSeq: 1, unread: 1 })] });
    expect(FakeNotification.shown.map((n) => n.options?.tag)).toEqual(["new-dm-1"]);
    notifications[0].onclick?.();
    expect(opened).toEqual(["new-dm"]);
  });
});
