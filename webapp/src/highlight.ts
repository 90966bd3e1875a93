// Marking a search's terms in a result's text. The server matches every
// whitespace-separated term as a case-insensitive substring; the same rule
// here marks what it matched. The answer is plain pieces of text, which
// the view turns into text nodes and <mark>s (never HTML).

/** The query's terms, as the server splits them. */
export function searchTerms(q: string): string[] {
  return q.split(/\s+/).filter((x) => x.length > 0);
}

export interface Piece {
  text: string;
  match: boolean;
}

/** text cut into pieces, the matched ones (of any term, overlaps merged) marked. */
export function highlightPieces(text: string, terms: readonly string[]): Piece[] {
  const lower = text.toLowerCase();
  const marked = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    const t = term.toLowerCase();
    // toLowerCase can change a string's length (İ): such a term marks nothing rather than the wrong letters
    if (!t || t.length !== term.length) continue;
    for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + 1)) marked.fill(true, i, i + t.length);
  }
  const out: Piece[] = [];
  for (let i = 0; i < text.length; ) {
    let j = i;
    while (j < text.length && marked[j] === marked[i]) j++;
    out.push({ text: text.slice(i, j), match: marked[i] });
    i = j;
  }
  return out;
}

/**
 * A window of a long text around its first match, so the match shows in
 * a one-line result; the cut ends get an ellipsis.
 */
export function snippet(text: string, terms: readonly string[], width = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= width) return flat;
  const lower = flat.toLowerCase();
  const hits = terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0);
  const first = hits.length ? Math.min(...hits) : 0;
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), flat.length - width));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? "…" : ""}${flat.slice(start, end)}${end < flat.length ? "…" : ""}`;
}
