import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { Markdown } from "./components/Markdown";
import { parseInline, parseMarkdown, plainText } from "./markdown";

const html = (text: string, me = "alice") => render(<Markdown text={text} me={me} />);

describe("parseMarkdown", () => {
  it("parses paragraphs, lists, code and quotes", () => {
    const blocks = parseMarkdown("Hello **there**\n\n- one\n- `two`\n\n1. a\n2. b\n\n```js\nlet x = 1 < 2;\n```\n> quoted");
    expect(blocks.map((b) => b.t)).toEqual(["p", "ul", "ol", "pre", "quote"]);
    expect(blocks[3]).toEqual({ t: "pre", lang: "js", v: "let x = 1 < 2;" });
  });

  it("parses inline emphasis, links and mentions", () => {
    expect(parseInline("*a* [b](https://b.test) @Alice")).toEqual([
      { t: "em", c: [{ t: "text", v: "a" }] },
      { t: "text", v: " " },
      { t: "link", href: "https://b.test/", c: [{ t: "text", v: "b" }] },
      { t: "text", v: " " },
      { t: "mention", user: "alice", v: "@Alice" },
    ]);
  });
});

describe("Markdown rendering is safe", () => {
  it("escapes HTML in text, code and link labels", () => {
    const out = html('<img src=x onerror=alert(1)> `<script>` [<b>x</b>](https://ok.test) ```\n<iframe>\n```');
    expect(out).not.toMatch(/<img|<script|<iframe|<b>/);
    expect(out).toContain("&lt;img src=x onerror=alert(1)>");
  });

  it("drops links to unsafe schemes but keeps their words", () => {
    for (const href of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "//evil.test"]) {
      const out = html(`[click](${href}) after`);
      expect(out).not.toContain("<a");
      expect(out).toBe('<div class="md"><p>click after</p></div>');
    }
  });

  it("keeps balanced parentheses in link targets", () => {
    expect(html("[wiki](https://en.wikipedia.org/wiki/Sync_(disambiguation)).")).toContain('href="https://en.wikipedia.org/wiki/Sync_(disambiguation)"');
  });

  it("opens safe links in a new tab without opener", () => {
    const out = html("see [docs](https://docs.test/x) and https://plain.test");
    expect(out).toContain('<a href="https://docs.test/x" target="_blank" rel="noopener noreferrer nofollow">docs</a>');
    expect(out).toContain('href="https://plain.test/"');
  });

  it("quotes in URLs cannot break out of the attribute", () => {
    const out = html('[x](https://a.test/"onmouseover="alert(1))');
    expect(out).not.toMatch(/" onmouseover=/);
  });

  it("highlights a mention of me more strongly", () => {
    expect(html("@alice and @bob")).toContain('<span class="mention mention-me">@alice</span>');
    expect(html("@alice and @bob")).toContain('<span class="mention">@bob</span>');
  });

  it("nests strong in em and em in strong", () => {
    expect(html("*a **b** c* **d *e* f**")).toBe('<div class="md"><p><em>a <strong>b</strong> c</em> <strong>d <em>e</em> f</strong></p></div>');
  });

  it("keeps runs of three or more marks as text, as the sensitive-word mask writes them", () => {
    expect(html("a *** b ___ c ***** d")).toBe('<div class="md"><p>a *** b ___ c ***** d</p></div>');
    expect(html("*x ***y*")).toBe('<div class="md"><p><em>x ***y</em></p></div>');
  });

  it("renders lists and code blocks", () => {
    expect(html("- a\n- b")).toBe('<div class="md"><ul><li>a</li><li>b</li></ul></div>');
    expect(html("```\nx\n```")).toBe('<div class="md"><pre><code>x</code></pre></div>');
  });
});

describe("plainText", () => {
  it("keeps what a reader sees and drops the marks", () => {
    expect(plainText("@alice Sure! **Release 0.9** in short:\n- Reconnecting clients use `sync`\n- [notes](https://example.com/n)\n\n> quoted _bit_")).toBe(
      "@alice Sure! Release 0.9 in short: Reconnecting clients use sync notes quoted bit",
    );
  });
  it("leaves markup that is not Markdown as text", () => {
    expect(plainText("Needle number 24 in <b>hay</b>")).toBe("Needle number 24 in <b>hay</b>");
    expect(plainText("a ***masked*** word")).toBe("a ***masked*** word");
  });
});
