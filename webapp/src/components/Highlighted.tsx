// Text with a search's terms marked: text nodes and <mark>s built by
// Preact, so whatever the text holds is shown, never run.
import { highlightPieces } from "../highlight";

export function Highlighted({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>
      {highlightPieces(text, terms).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}
    </>
  );
}
