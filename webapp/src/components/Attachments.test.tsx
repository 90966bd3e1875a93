import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { Attachment } from "../types";
import { Attachments } from "./Attachments";
import { Highlighted } from "./Highlighted";

const png: Attachment = { id: "f1", room: "r", name: "shot.png", size: 5000, contentType: "image/png", width: 1440, height: 900, url: "/api/files/f1?exp=1&sig=a", thumbUrl: "/api/files/f1/thumb?exp=1&sig=b" };
const pdf: Attachment = { id: "f2", room: "r", name: "<b>plan</b>.pdf", size: 2_621_440, contentType: "application/pdf", url: "/api/files/f2?exp=1&sig=c" };

describe("Attachments", () => {
  it("shows an image inline from its thumbnail, sized, lazy, named, opening the full one", () => {
    const out = render(<Attachments files={[png]} />);
    expect(out).toContain('<a class="attachment-image" href="/api/files/f1?exp=1&amp;sig=a" target="_blank" rel="noopener noreferrer" title="Open shot.png">');
    expect(out).toContain('<img src="/api/files/f1/thumb?exp=1&amp;sig=b" alt="shot.png" loading="lazy" decoding="async" width="360" height="225"/>');
  });

  it("uses the file itself when there is no thumbnail", () => {
    const out = render(<Attachments files={[{ ...png, thumbUrl: undefined, width: undefined, height: undefined }]} />);
    expect(out).toContain('<img src="/api/files/f1?exp=1&amp;sig=a" alt="shot.png" loading="lazy" decoding="async"/>');
  });

  it("shows other files as a card with the name as text, the size and a download link", () => {
    const out = render(<Attachments files={[pdf]} />);
    expect(out).toContain('<span class="file-name">&lt;b>plan&lt;/b>.pdf</span><span class="file-size muted">2.5 MB</span>');
    expect(out).toContain('href="/api/files/f2?exp=1&amp;sig=c" download="&lt;b>plan&lt;/b>.pdf" aria-label="Download &lt;b>plan&lt;/b>.pdf"');
    expect(out).not.toContain("<img");
  });
});

describe("Highlighted", () => {
  it("marks the terms and keeps markup as text", () => {
    expect(render(<Highlighted text="<i>数据库</i> ok" terms={["数据库"]} />)).toBe("&lt;i><mark>数据库</mark>&lt;/i> ok");
  });
});
