import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { User } from "../types";
import { MessageItem, type Row } from "./MessageItem";

const alice: User = { id: "u1", username: "alice", displayName: "Alice", kind: "human" };
const bob: User = { id: "u2", username: "bob", displayName: "Bob", kind: "human" };

/** The rendered text of bob's message as alice sees it. */
function text(t: string, mentions: readonly string[] = [], extra: Partial<Row> = {}): string {
  const row: Row = { key: "k", id: "m1", sender: bob, text: t, mentions, createdAt: "2026-01-02T03:04:05Z", seq: 1, startsGroup: false, ...extra };
  const out = render(<MessageItem row={row} me={alice} />);
  const m = /<div class="msg-text">([\s\S]*)<\/div><\/div><\/li>$/.exec(out);
  if (!m) throw new Error(`no msg-text in ${out}`);
  return m[1];
}

describe("a person's message", () => {
  it("renders the Markdown subset as elements", () => {
    expect(text("**bold** and `code` and *it*")).toBe('<div class="md"><p><strong>bold</strong> and <code>code</code> and <em>it</em></p></div>');
    expect(text("- one\n- two\n\n1. a\n2. b")).toBe('<div class="md"><ul><li>one</li><li>two</li></ul><ol start="1"><li>a</li><li>b</li></ol></div>');
    expect(text("> quoted\n\n```\nlet x = 1;\n```")).toBe('<div class="md"><blockquote>quoted</blockquote><pre><code>let x = 1;</code></pre></div>');
    expect(text("see [docs](https://docs.test/x)")).toBe(
      '<div class="md"><p>see <a href="https://docs.test/x" target="_blank" rel="noopener noreferrer nofollow">docs</a></p></div>',
    );
  });

  it("keeps HTML as text", () => {
    const out = text("<img src=x onerror=alert(1)> **<script>alert(2)</script>**");
    expect(out).toBe('<div class="md"><p>&lt;img src=x onerror=alert(1)> <strong>&lt;script>alert(2)&lt;/script></strong></p></div>');
  });

  it("never makes a link of javascript:, data: or relative targets", () => {
    for (const href of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "/relative"]) {
      expect(text(`[click](${href}) now`)).toBe('<div class="md"><p>click now</p></div>');
    }
    expect(text("javascript:alert(1)")).toBe('<div class="md"><p>javascript:alert(1)</p></div>');
  });

  it("highlights the mentions the server recognised, inside Markdown too, as typed", () => {
    expect(text("**@Alice** look", ["alice"])).toBe('<div class="md"><p><strong><span class="mention mention-me">@Alice</span></strong> look</p></div>');
    expect(text("- ask @carol\n- ask @nobody", ["carol"])).toBe('<div class="md"><ul><li>ask <span class="mention">@carol</span></li><li>ask @nobody</li></ul></div>');
    expect(text("mail bob@alice.test", ["alice"])).toBe('<div class="md"><p>mail bob@alice.test</p></div>');
  });

  it("shows the sensitive-word mask's asterisks as they are", () => {
    expect(text("what the **** is this")).toBe('<div class="md"><p>what the **** is this</p></div>');
    expect(text("a *** b *** c")).toBe('<div class="md"><p>a *** b *** c</p></div>');
    expect(text("s*** and **bold** and f***")).toBe('<div class="md"><p>s*** and <strong>bold</strong> and f***</p></div>');
    expect(text("**a ***** b**")).toBe('<div class="md"><p><strong>a ***** b</strong></p></div>');
    expect(text("go ** now **")).toBe('<div class="md"><p>go ** now **</p></div>');
  });

  it("is a tombstone once deleted", () => {
    expect(text("", [], { deleted: true })).toBe('<em class="muted">This message was deleted.</em>');
  });
});

describe("the assistant's message", () => {
  it("still streams Markdown with a cursor", () => {
    const row: Row = { key: "k", sender: { id: "b", username: "assistant", displayName: "Assistant", kind: "bot" }, text: "**hi** @alice", mentions: [], createdAt: "2026-01-02T03:04:05Z", streaming: true, startsGroup: false };
    const out = render(<MessageItem row={row} me={alice} />);
    expect(out).toContain('<div class="msg-text"><div class="md"><p><strong>hi</strong> <span class="mention mention-me">@alice</span></p></div><span aria-label="writing…" class="cursor"></span></div>');
  });
});
