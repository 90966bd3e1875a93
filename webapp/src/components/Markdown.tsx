// Renders the parsed Markdown subset as VNodes: text stays text, links
// open in a new tab without access to this page.
import type { ComponentChildren } from "preact";
import { parseMarkdown, type Block, type Inline } from "../markdown";

export function Markdown({ text, me }: { text: string; me: string }) {
  return <div class="md">{parseMarkdown(text).map((b, i) => renderBlock(b, i, me))}</div>;
}

function renderBlock(b: Block, key: number, me: string): ComponentChildren {
  switch (b.t) {
    case "p":
      return <p key={key}>{inlines(b.c, me)}</p>;
    case "h": {
      const H = (`h${b.level + 2}` as "h3" | "h4" | "h5");
      return <H key={key}>{inlines(b.c, me)}</H>;
    }
    case "ul":
      return <ul key={key}>{b.items.map((it, i) => <li key={i}>{inlines(it, me)}</li>)}</ul>;
    case "ol":
      return <ol key={key} start={b.start}>{b.items.map((it, i) => <li key={i}>{inlines(it, me)}</li>)}</ol>;
    case "pre":
      return <pre key={key} data-lang={b.lang || undefined}><code>{b.v}</code></pre>;
    case "quote":
      return <blockquote key={key}>{inlines(b.c, me)}</blockquote>;
  }
}

function inlines(list: Inline[], me: string): ComponentChildren[] {
  return list.map((n, i) => inline(n, i, me));
}

function inline(n: Inline, key: number, me: string): ComponentChildren {
  switch (n.t) {
    case "text":
      return n.v;
    case "br":
      return <br key={key} />;
    case "code":
      return <code key={key}>{n.v}</code>;
    case "strong":
      return <strong key={key}>{inlines(n.c, me)}</strong>;
    case "em":
      return <em key={key}>{inlines(n.c, me)}</em>;
    case "link":
      return <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow">{inlines(n.c, me)}</a>;
    case "mention":
      return <span key={key} class={n.user === me ? "mention mention-me" : "mention"}>@{n.user}</span>;
  }
}
