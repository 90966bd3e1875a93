// Renders the parsed Markdown subset as VNodes: text stays text, links
// open in a new tab without access to this page. With mentions (a person's
// message) only the usernames the server recognised are highlighted;
// without (the assistant's) every well-formed @name is. Mentions show as
// typed.
import type { ComponentChildren } from "preact";
import { parseMarkdown, type Block, type Inline } from "../markdown";

export function Markdown({ text, me, mentions }: { text: string; me: string; mentions?: readonly string[] }) {
  const known = mentions ? new Set(mentions.map((m) => m.toLowerCase())) : null;
  const ctx: Ctx = { me, known };
  return <div class="md">{parseMarkdown(text).map((b, i) => renderBlock(b, i, ctx))}</div>;
}

interface Ctx {
  me: string;
  /** The mentions to highlight; null highlights every one. */
  known: Set<string> | null;
}

function renderBlock(b: Block, key: number, ctx: Ctx): ComponentChildren {
  switch (b.t) {
    case "p":
      return <p key={key}>{inlines(b.c, ctx)}</p>;
    case "h": {
      const H = (`h${b.level + 2}` as "h3" | "h4" | "h5");
      return <H key={key}>{inlines(b.c, ctx)}</H>;
    }
    case "ul":
      return <ul key={key}>{b.items.map((it, i) => <li key={i}>{inlines(it, ctx)}</li>)}</ul>;
    case "ol":
      return <ol key={key} start={b.start}>{b.items.map((it, i) => <li key={i}>{inlines(it, ctx)}</li>)}</ol>;
    case "pre":
      return <pre key={key} data-lang={b.lang || undefined}><code>{b.v}</code></pre>;
    case "quote":
      return <blockquote key={key}>{inlines(b.c, ctx)}</blockquote>;
  }
}

function inlines(list: Inline[], ctx: Ctx): ComponentChildren[] {
  return list.map((n, i) => inline(n, i, ctx));
}

function inline(n: Inline, key: number, ctx: Ctx): ComponentChildren {
  switch (n.t) {
    case "text":
      return n.v;
    case "br":
      return <br key={key} />;
    case "code":
      return <code key={key}>{n.v}</code>;
    case "strong":
      return <strong key={key}>{inlines(n.c, ctx)}</strong>;
    case "em":
      return <em key={key}>{inlines(n.c, ctx)}</em>;
    case "link":
      return <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow">{inlines(n.c, ctx)}</a>;
    case "mention":
      if (ctx.known && !ctx.known.has(n.user)) return n.v;
      return <span key={key} class={n.user === ctx.me ? "mention mention-me" : "mention"}>{n.v}</span>;
  }
}
