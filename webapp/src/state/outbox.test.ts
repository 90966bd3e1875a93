import { describe, expect, it } from "vitest";
import type { PendingMessage } from "../merge";
import { reduce } from "./reducer";
import { room, roomState, signedIn } from "./testing";

const lobby = room("lobby");
const createdAt = "2026-01-01T00:00:00.000Z";
const sending = (clientMsgId: string, attempts = 0): PendingMessage => ({ clientMsgId, room: "lobby", text: "hi", createdAt, status: "sending", attempts });
const tooLong = { code: "TOO_LARGE", message: "text is too long" };

describe("send/queued", () => {
  it("shows the message at once, as sending", () => {
    const r = roomState(lobby, { pending: [sending("c0")] });
    expect(reduce(signedIn([r]), { type: "send/queued", room: "lobby", clientMsgId: "c1", text: "hi", createdAt })).toEqual(
      signedIn([{ ...r, pending: [sending("c0"), sending("c1")] }]),
    );
  });
});

describe("send/attempted", () => {
  it("counts the attempt", () => {
    const r = roomState(lobby, { pending: [sending("c1", 2)] });
    expect(reduce(signedIn([r]), { type: "send/attempted", room: "lobby", clientMsgId: "c1" })).toEqual(signedIn([{ ...r, pending: [sending("c1", 3)] }]));
  });

  it("changes nothing for a send already settled", () => {
    const s = signedIn([roomState(lobby)]);
    expect(reduce(s, { type: "send/attempted", room: "lobby", clientMsgId: "c1" })).toBe(s);
  });
});

describe("send/failed", () => {
  it("keeps the message with the server's error, for a manual retry", () => {
    const r = roomState(lobby, { pending: [sending("c1", 1), sending("c2")] });
    expect(reduce(signedIn([r]), { type: "send/failed", room: "lobby", clientMsgId: "c1", error: tooLong })).toEqual(
      signedIn([{ ...r, pending: [{ ...sending("c1", 1), status: "failed", error: tooLong }, sending("c2")] }]),
    );
  });
});

describe("send/retried", () => {
  it("sends again from a fresh count, without the old error", () => {
    const r = roomState(lobby, { pending: [{ ...sending("c1", 5), status: "failed", error: tooLong }] });
    const next = reduce(signedIn([r]), { type: "send/retried", room: "lobby", clientMsgId: "c1" });
    expect(next).toEqual(signedIn([{ ...r, pending: [sending("c1")] }]));
    expect("error" in next.chat.rooms.lobby.pending[0]).toBe(false);
  });
});

describe("send/discarded", () => {
  it("drops the message", () => {
    const r = roomState(lobby, { pending: [sending("c1"), sending("c2")] });
    expect(reduce(signedIn([r]), { type: "send/discarded", room: "lobby", clientMsgId: "c1" })).toEqual(signedIn([{ ...r, pending: [sending("c2")] }]));
  });

  it("changes nothing when it is gone already", () => {
    const s = signedIn([roomState(lobby, { pending: [sending("c2")] })]);
    expect(reduce(s, { type: "send/discarded", room: "lobby", clientMsgId: "c1" })).toBe(s);
  });
});
