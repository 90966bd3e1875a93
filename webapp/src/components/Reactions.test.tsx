import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { ReactionChips, reactedBy } from "./Reactions";

describe("reaction chips", () => {
  it("show each emoji with its count, mine pressed, shortcodes as text, who reacted as the title", () => {
    const out = render(
      <ReactionChips
        reactions={[
          { emoji: "👍", count: 2, users: ["bob", "me"], me: true },
          { emoji: ":party_parrot:", count: 1, users: ["bob"], me: false },
        ]}
        onToggle={() => undefined}
      />,
    );
    expect(out).toBe(
      '<ul aria-label="Reactions" class="reactions">' +
        '<li><button type="button" aria-pressed="true" title="👍 by bob, me" data-emoji="👍" class="reaction reaction-mine"><span class="reaction-emoji">👍</span><span class="reaction-count">2</span></button></li>' +
        '<li><button type="button" aria-pressed="false" title=":party_parrot: by bob" data-emoji=":party_parrot:" class="reaction reaction-code"><span class="reaction-emoji">:party_parrot:</span><span class="reaction-count">1</span></button></li>' +
        "</ul>",
    );
  });

  it("say how many more reacted than the names listed", () => {
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    expect(reactedBy({ emoji: "🎉", count: 12, users, me: false })).toBe(`🎉 by ${users.join(", ")} and 2 more`);
  });
});
