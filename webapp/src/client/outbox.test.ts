import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ParleyError } from "../errors";
import type { Message } from "../types";
import { reduce } from "../state/reducer";
import { me, msg, room, roomState, signedIn } from "../state/testing";
import { createStore } from "../store";
import { Outbox } from "./outbox";
import { openScope } from "./scope";

function setup(answers: Array<Message | ParleyError>) {
  const store = createStore(reduce, signedIn([roomState(room("lobby"), { loaded: true })]));
  const sent: Array<{ text: string; clientMsgId: string; replyTo?: string; attachments?: string[] }> = [];
  const wire = {
    connected: true,
    send: async (_room: string, text: string, clientMsgId: string, _timeout: number, replyTo?: string, attachments?: string[]) => {
      sent.push({ text, clientMsgId, ...(replyTo ? { replyTo } : {}), ...(attachments ? { attachments } : {}) });
      const a = answers.shift() ?? new ParleyError("TIMEOUT", "no answer");
      if (a instanceof ParleyError) throw a;
      return { ...a, clientMsgId };
    },
  };
  const outbox = new Outbox(openScope(store), wire);
  const pending = () => store.get().chat.rooms.lobby.pending;
  return { store, wire, sent, outbox, pending };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Outbox", () => {
  it("sends a reply's replyTo on every attempt, and shows the quote while pending", async () => {
    const quote = { id: "lobby-1", seq: 1, sender: me, text: "first" };
    const { sent, outbox, pending } = setup([new ParleyError("TIMEOUT", "slow"), msg("lobby", 2, { sender: me, text: "yes" })]);
    outbox.send("lobby", "yes", quote);
    expect(pending()).toMatchObject([{ text: "yes", replyTo: quote }]);
    await vi.runAllTimersAsync();
    expect(sent.map((x) => x.replyTo)).toEqual(["lobby-1", "lobby-1"]);
    expect(pending()).toEqual([]);
  });

  it("sends files with empty text, their ids on the wire and the files on the pending copy", async () => {
    const file = { id: "f1", room: "lobby", name: "shot.png", size: 10, contentType: "image/png", url: "/f1" };
    const { sent, outbox, pending } = setup([msg("lobby", 1, { sender: me, text: "" })]);
    outbox.send("lobby", "  ", undefined, [file]);
    expect(pending()).toMatchObject([{ text: "", attachments: [file] }]);
    await vi.runAllTimersAsync();
    expect(sent.map(({ text, attachments }) => ({ text, attachments }))).toEqual([{ text: "", attachments: ["f1"] }]);
    outbox.send("lobby", " ");
    expect(pending()).toEqual([]);
  });

  it("shows the message at once and replaces it with the stored one", async () => {
    const { store, sent, outbox, pending } = setup([msg("lobby", 1, { sender: me, text: "hi" })]);
    outbox.send("lobby", "  hi  ");
    expect(pending()).toMatchObject([{ text: "hi", status: "sending", attempts: 1 }]);
    await vi.runAllTimersAsync();
    expect(pending()).toEqual([]);
    expect(store.get().chat.rooms.lobby.messages.map((m) => m.text)).toEqual(["hi"]);
    expect(sent).toHaveLength(1);
  });

  it("retries a timeout with the same clientMsgId", async () => {
    const { sent, outbox, pending } = setup([new ParleyError("TIMEOUT", "slow"), msg("lobby", 1, { sender: me })]);
    outbox.send("lobby", "hi");
    await vi.runAllTimersAsync();
    expect(sent).toHaveLength(2);
    expect(sent[1].clientMsgId).toBe(sent[0].clientMsgId);
    expect(pending()).toEqual([]);
  });

  it("shows the server's refusal for a manual retry", async () => {
    const { outbox, pending, sent } = setup([new ParleyError("TOO_LARGE", "text is too long"), msg("lobby", 1, { sender: me })]);
    outbox.send("lobby", "hi");
    await vi.runAllTimersAsync();
    expect(pending()).toMatchObject([{ status: "failed", error: { code: "TOO_LARGE", message: "text is too long" } }]);
    outbox.retry("lobby", pending()[0].clientMsgId);
    await vi.runAllTimersAsync();
    expect(pending()).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it("keeps a send made offline until resendAll", async () => {
    const { wire, outbox, pending, sent } = setup([msg("lobby", 1, { sender: me })]);
    wire.connected = false;
    outbox.send("lobby", "hi");
    await vi.runAllTimersAsync();
    expect(pending()).toMatchObject([{ status: "sending", attempts: 0 }]);
    wire.connected = true;
    outbox.resendAll();
    await vi.runAllTimersAsync();
    expect(pending()).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it("sends nothing blank", () => {
    const { outbox, pending } = setup([]);
    outbox.send("lobby", "  \n ");
    expect(pending()).toEqual([]);
  });
});
