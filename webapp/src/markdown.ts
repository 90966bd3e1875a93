// A small Markdown subset for every message, people's and the assistant's,
// parsed into a tree that components/Markdown.tsx turns into VNodes. No HTML
// passes through: every character of the input ends up in a text node, and
// links keep only http, https and mailto targets. A run of three or more `*`
// or `_` is always text, because the sensitive-word filter masks words with
// `*` and a masked word must read as masked, not as emphasis.
import { safeHref } from "./mentions";

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong"; c: Inline[] }
  | { t: "em"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "mention"; user: string; v: string }
  | { t: "br" };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "h"; level: 1 | 2 | 3; c: Inline[] }
  | { t: "ul"; items: Inline[][] }
  | { t: "ol"; start: number; items: Inline[][] }
  | { t: "pre"; lang: string; v: string }
  | { t: "quote"; c: Inline[] };

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: "p", c: parseInline(para.join("\n")) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^\\s{0,3}${fence[1]}\\s*$`).test(lines[i])) body.push(lines[i++]);
      blocks.push({ t: "pre", lang: fence[2], v: body.join("\n") });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: "h", level: Math.min(3, heading[1].length) as 1 | 2 | 3, c: parseInline(heading[2]) });
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      flush();
      const ordered = ORDERED.exec(line);
      const re = ordered ? ORDERED : BULLET;
      const items: Inline[][] = [];
      while (i < lines.length && re.test(lines[i])) {
        const m = re.exec(lines[i])!;
        let text = ordered ? m[2] : m[1];
        // continuation lines indented under the item
        while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !re.test(lines[i + 1])) text += "\n" + lines[++i].trim();
        items.push(parseInline(text));
        i++;
      }
      i--;
      blocks.push(ordered ? { t: "ol", start: Number(ordered[1]), items } : { t: "ul", items });
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      flush();
      const body = [quote[1]];
      while (i + 1 < lines.length && QUOTE.test(lines[i + 1])) body.push(QUOTE.exec(lines[++i])![1]);
      blocks.push({ t: "quote", c: parseInline(body.join("\n")) });
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}

/** Inline spans: `code`, **strong**, *em* / _em_, [text](url), bare http(s) URLs, @mentions, line breaks. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const emit = (node: Inline) => {
    if (text) out.push({ t: "text", v: text });
    text = "";
    out.push(node);
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    const rest = src.slice(i);
    if (ch === "\\" && i + 1 < src.length && /[\\`*_[\]()#+\-.!@>~]/.test(src[i + 1])) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === "\n") {
      emit({ t: "br" });
      i++;
      continue;
    }
    if (ch === "`") {
      const ticks = /^`+/.exec(rest)![0];
      const end = src.indexOf(ticks, i + ticks.length);
      if (end > 0) {
        emit({ t: "code", v: src.slice(i + ticks.length, end).trim() || src.slice(i + ticks.length, end) });
        i = end + ticks.length;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      const run = runLength(src, i);
      const opens = i + run < src.length && !/\s/.test(src[i + run]);
      if (run === 2 && opens) {
        const end = findClose(src, ch, 2, i + 2);
        if (end > i + 2) {
          emit({ t: "strong", c: parseInline(src.slice(i + 2, end)) });
          i = end + 2;
          continue;
        }
      }
      const prevWord = i > 0 && /\w/.test(src[i - 1]);
      if (run === 1 && opens && !(ch === "_" && prevWord)) {
        const end = findClose(src, ch, 1, i + 1);
        if (end > i + 1) {
          emit({ t: "em", c: parseInline(src.slice(i + 1, end)) });
          i = end + 1;
          continue;
        }
      }
      text += src.slice(i, i + run); // a mask, or a marker that closes nowhere
      i += run;
      continue;
    }
    if (ch === "[") {
      // the target may hold one level of balanced parentheses, as in Markdown
      const m = /^\[([^\]\n]{1,500})\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\)){1,2000})>?\s*\)/.exec(rest);
      if (m) {
        const href = safeHref(m[2]);
        if (href) emit({ t: "link", href, c: parseInline(m[1]) });
        else text += m[1]; // an unsafe target keeps its words, never the link
        i += m[0].length;
        continue;
      }
    }
    if ((ch === "h" || ch === "H") && (i === 0 || /[\s(]/.test(src[i - 1]))) {
      const m = /^https?:\/\/[^\s<>"]+/i.exec(rest);
      if (m) {
        const url = m[0].replace(/[.,;:!?'")]+$/, "");
        const href = safeHref(url, ["http:", "https:"]);
        if (href) {
          emit({ t: "link", href, c: [{ t: "text", v: url }] });
          i += url.length;
          continue;
        }
      }
    }
    if (ch === "@" && (i === 0 || !/[a-z0-9_.-]/i.test(src[i - 1]))) {
      const m = /^@([a-z0-9_](?:[a-z0-9_.-]{0,30}[a-z0-9_])?)/i.exec(rest);
      if (m) {
        emit({ t: "mention", user: m[1].toLowerCase(), v: m[0] });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  if (text) out.push({ t: "text", v: text });
  return out;
}

/** How many times src[i] repeats from i on. */
function runLength(src: string, i: number): number {
  let j = i;
  while (src[j] === src[i]) j++;
  return j - i;
}

/**
 * Where the marker opened before from closes: the next run of exactly len
 * marks not after a space, within the paragraph; -1 if none.
 */
function findClose(src: string, mark: string, len: number, from: number): number {
  for (let j = from; j < src.length; j++) {
    if (src[j] === "\n" && src[j + 1] === "\n") return -1;
    if (src[j] !== mark) continue;
    const run = runLength(src, j);
    if (run === len && !/\s/.test(src[j - 1])) return j;
    j += run - 1;
  }
  return -1;
}

/**
 * What a reader sees of src, as one line of plain text: the Markdown
 * marks gone, blocks joined by spaces. For places that show a message
 * without formatting it, such as a search result.
 */
export function plainText(src: string): string {
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((n) => {
        switch (n.t) {
          case "text":
          case "code":
          case "mention":
            return n.v;
          case "br":
            return " ";
          default:
            return inline(n.c);
        }
      })
      .join("");
  return parseMarkdown(src)
    .map((b) => {
      switch (b.t) {
        case "pre":
          return b.v;
        case "ul":
        case "ol":
          return b.items.map(inline).join(" ");
        default:
          return inline(b.c);
      }
    })
    .join(" ");
}
