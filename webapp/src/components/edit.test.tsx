import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { reduce } from "../state/reducer";
import { bob, me, msg, room, roomState, signedIn } from "../state/testing";
import { lastEditable } from "./Composer";
import { MessageItem, type Row } from "./MessageItem";

describe("editing", () => {
  it("finds my newest message that is not deleted", () => {
    const r = roomState(room("lobby"), {
      messages: [msg("lobby", 1, { sender: me }), msg("lobby", 2, { sender: me, deleted: true }), msg("lobby", 3, { sender: bob })],
    });
    expect(lastEditable(r, me.id)).toBe("lobby-1");
    expect(lastEditable(roomState(room("lobby"), { messages: [msg("lobby", 1)] }), me.id)).toBeNull();
  });

  it("ends when another room is opened", () => {
    let s = reduce(signedIn([roomState(room("lobby")), roomState(room("news"))]), { type: "ui/edit", message: { room: "lobby", id: "lobby-1" } });
    expect(s.ui.editing).toEqual({ room: "lobby", id: "lobby-1" });
    expect(reduce(s, { type: "room/opened", room: "lobby" }).ui.editing).toEqual({ room: "lobby", id: "lobby-1" });
    s = reduce(s, { type: "room/opened", room: "news" });
    expect(s.ui.editing).toBeNull();
  });

  it("marks an edited message, with the time in its title, and offers Edit on mine only", () => {
    const row: Row = { key: "k", id: "m1", sender: me, text: "fixed", mentions: [], createdAt: "2026-01-02T03:04:05Z", editedAt: "2026-01-02T03:05:00Z", seq: 1, startsGroup: false };
    const edit = () => undefined;
    const save = async () => undefined;
    const mine = render(<MessageItem row={row} me={me} onEdit={edit} onSaveEdit={save} />);
    expect(mine).toMatch(/<span title="Edited [^"]*2026[^"]*" class="msg-edited">\(edited\)<\/span>/);
    expect(mine).toContain('aria-label="Edit message"');
    const theirs = render(<MessageItem row={{ ...row, sender: bob }} me={me} />);
    expect(theirs).not.toContain('aria-label="Edit message"');
    const editing = render(<MessageItem row={row} me={me} onEdit={edit} onSaveEdit={save} editing />);
    expect(editing).toContain('<textarea rows="1" aria-label="Edit message">fixed</textarea>');
    expect(editing).not.toContain("msg-edited");
  });
});
