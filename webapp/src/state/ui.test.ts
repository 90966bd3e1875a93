import { describe, expect, it } from "vitest";
import type { UiState } from "./model";
import { reduce } from "./reducer";
import { room, roomState, signedIn, session } from "./testing";

const withUi = (ui: Partial<UiState>) => {
  const s = signedIn([roomState(room("lobby")), roomState(room("news"))], { active: "lobby" });
  return { ...s, ui: { ...s.ui, ...ui } };
};

describe("ui/dialog", () => {
  it("opens a dialog over a closed rooms drawer", () => {
    const s = withUi({ sidebarOpen: true });
    const next = reduce(s, { type: "ui/dialog", dialog: "create" });
    expect(next).toEqual(withUi({ dialog: "create", sidebarOpen: false }));
    expect(next.chat).toBe(s.chat);
  });

  it("closes it, leaving the drawers as they are", () => {
    expect(reduce(withUi({ dialog: "browse", membersOpen: true }), { type: "ui/dialog", dialog: null })).toEqual(withUi({ membersOpen: true }));
  });
});

describe("ui/sidebar", () => {
  it("toggles, or sets when told", () => {
    expect(reduce(withUi({}), { type: "ui/sidebar" })).toEqual(withUi({ sidebarOpen: true }));
    expect(reduce(withUi({ sidebarOpen: true }), { type: "ui/sidebar" })).toEqual(withUi({}));
    expect(reduce(withUi({ sidebarOpen: true }), { type: "ui/sidebar", open: true })).toEqual(withUi({ sidebarOpen: true }));
  });
});

describe("ui/members", () => {
  it("toggles, or sets when told", () => {
    expect(reduce(withUi({}), { type: "ui/members" })).toEqual(withUi({ membersOpen: true }));
    expect(reduce(withUi({ membersOpen: true }), { type: "ui/members", open: false })).toEqual(withUi({}));
  });
});

describe("room/opened (UI side)", () => {
  it("closes the rooms drawer and any dialog, keeping the members panel", () => {
    const next = reduce(withUi({ sidebarOpen: true, dialog: "browse", membersOpen: true }), { type: "room/opened", room: "lobby" });
    expect(next.ui).toEqual({ sidebarOpen: false, dialog: null, membersOpen: true });
  });
});

describe("session changes (UI side)", () => {
  it("start with everything closed", () => {
    for (const a of [{ type: "session/started", session } as const, { type: "session/ended" } as const, { type: "session/rejected" } as const]) {
      expect(reduce(withUi({ sidebarOpen: true, dialog: "direct", membersOpen: true }), a).ui).toEqual({ dialog: null, sidebarOpen: false, membersOpen: false });
    }
  });
});

describe("ui/notice", () => {
  it("shows a note until it is closed, whatever room opens meanwhile", () => {
    const shown = reduce(withUi({}), { type: "ui/notice", notice: "gone" });
    expect(shown.ui).toEqual(withUi({ notice: "gone" }).ui);
    expect(reduce(shown, { type: "room/opened", room: "news" }).ui.notice).toBe("gone");
    expect(reduce(shown, { type: "ui/notice", notice: null }).ui).toEqual(withUi({ notice: null }).ui);
  });
});
