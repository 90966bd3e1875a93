import { describe, expect, it } from "vitest";
import { initialChat, initialUi } from "./model";
import { reduce } from "./reducer";
import { msg, room, roomState, session, signedIn } from "./testing";

const config = { assistant: "helper", defaultRoom: "lobby" };

function busy() {
  const s = signedIn([roomState(room("lobby"), { messages: [msg("lobby", 1)], loaded: true })], { active: "lobby", presence: { "u-bob": true } });
  return { ...s, config, ui: { dialog: "browse" as const, sidebarOpen: true, membersOpen: true } };
}

describe("session/started", () => {
  it("starts the chat over under the new account, keeping the server's config", () => {
    const other = { token: "other", user: { ...session.user, id: "u-other", username: "other" } };
    expect(reduce(busy(), { type: "session/started", session: other })).toEqual({ config, chat: initialChat(other), ui: initialUi() });
  });
});

describe("session/ended", () => {
  it("leaves nothing of the account but keeps the config", () => {
    expect(reduce(busy(), { type: "session/ended" })).toEqual({ config, chat: initialChat(null), ui: initialUi() });
  });
});

describe("session/rejected", () => {
  it("signs out like a logout", () => {
    expect(reduce(busy(), { type: "session/rejected" })).toEqual({ config, chat: initialChat(null), ui: initialUi() });
  });

  it("keeps the server's reason for the sign-in page, until the next sign-in", () => {
    const ended = reduce(busy(), { type: "session/rejected", reason: "revoked" });
    expect(ended).toEqual({ config, chat: { ...initialChat(null), ended: "revoked" }, ui: initialUi() });
    expect(reduce(ended, { type: "session/started", session }).chat.ended).toBe(null);
  });
});

describe("config/loaded", () => {
  it("sets the config and nothing else", () => {
    const s = signedIn();
    const next = reduce(s, { type: "config/loaded", config });
    expect(next).toEqual({ ...s, config });
    expect(next.chat).toBe(s.chat);
    expect(next.ui).toBe(s.ui);
  });
});
