// A person's message: always text, with @mentions highlighted and http(s)
// links made clickable.
import { segmentText } from "../mentions";

export function RichText({ text, mentions, me }: { text: string; mentions: readonly string[]; me: string }) {
  return (
    <>
      {segmentText(text, mentions).map((s, i) => {
        if (s.kind === "mention") return <span key={i} class={s.username === me ? "mention mention-me" : "mention"}>{s.text}</span>;
        if (s.kind === "link") return <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow">{s.text}</a>;
        return s.text;
      })}
    </>
  );
}
