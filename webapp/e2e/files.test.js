// Files in the browser. The done-when scenario: a screenshot pasted into
// the composer is uploaded and sent; the other member sees it inline (the
// image really loads); someone outside the room gets nothing, neither
// through a tampered link nor through the upload route. Then a plain file
// as a card with a download, a file over the limit refused on its chip,
// and a file dropped onto the room.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { api, register, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, messages, pairInRoom, sharedBrowser } from "./browser.js";

const MAX_UPLOAD = 200_000;
const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500, PARLEY_MAX_UPLOAD_BYTES: MAX_UPLOAD } });
const chrome = sharedBrowser();

/** Draws a 320x200 PNG in the page and pastes it into the composer, as a screenshot tool's copy would. */
async function pasteScreenshot(page) {
  await page.locator("#composer").focus();
  return page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 200;
    const g = canvas.getContext("2d");
    g.fillStyle = "#4f46e5";
    g.fillRect(0, 0, 320, 200);
    g.fillStyle = "#fff";
    g.fillRect(40, 40, 120, 60);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
    const data = new DataTransfer();
    data.items.add(new File([blob], "image.png", { type: "image/png" }));
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    document.getElementById("composer").dispatchEvent(event);
    return { size: blob.size, taken: event.defaultPrevented };
  });
}

/** The last message in the room. */
const last = (page) => messages(page).last();

test("a pasted screenshot is sent and shows inline for the other member; a non-member gets 403 on a tampered link and cannot upload", async () => {
  const { alice, bob, room, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("files") });
  try {
    const pasted = await pasteScreenshot(alice.page);
    assert.equal(pasted.taken, true, "the paste is taken by the app, not put in the box as text");
    const chip = alice.page.locator(".upload-chip");
    await chip.and(alice.page.locator('[data-status="done"]')).waitFor();
    const name = await chip.locator(".file-name").textContent();
    assert.match(name, /^pasted-\d{8}-\d{6}\.png$/);
    assert.equal(await chip.locator("img.upload-preview").evaluate((img) => img.src.startsWith("blob:") && img.naturalWidth > 0), true, "a preview of the picked image");
    await checkAccessible(alice.page, "the composer with an upload chip");

    // no text: the file alone is the message
    await alice.page.locator("#composer").press("Enter");
    await chip.waitFor({ state: "detached" });

    const img = last(bob.page).locator(".attachments img");
    await img.waitFor();
    await bob.page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.equal(await img.getAttribute("alt"), name);
    assert.equal(await img.getAttribute("loading"), "lazy");
    assert.deepEqual([await img.getAttribute("width"), await img.getAttribute("height")], ["320", "200"], "sized before it loads");
    assert.equal(await last(bob.page).locator(".msg-text").textContent(), "");
    const link = last(bob.page).locator("a.attachment-image");
    assert.equal(await link.getAttribute("target"), "_blank", "a click opens the full image");
    const url = new URL(await link.getAttribute("href"), ctx.base);

    // the member's link works without a token
    const full = await api(ctx.base, "GET", url.pathname + url.search);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("content-type"), "image/png");

    // carol is not in the room: a link with one character of its signature changed is refused
    const carol = await register(ctx.base, uniqueName("carol"));
    const sig = url.searchParams.get("sig");
    assert.ok(sig, "the link is signed");
    const tampered = new URL(url);
    tampered.searchParams.set("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1));
    const refused = await api(ctx.base, "GET", tampered.pathname + tampered.search, { token: carol.token });
    assert.equal(refused.status, 403);
    assert.equal(refused.body?.error?.code, "FORBIDDEN");
    // and she may not upload into the room
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }), "x.png");
    const upload = await fetch(`${ctx.base}/api/rooms/${room.id}/files`, { method: "POST", headers: { authorization: `Bearer ${carol.token}` }, body: form });
    assert.ok([403, 404].includes(upload.status), `upload by a non-member: ${upload.status}`);
    const body = await upload.json();
    assert.ok(["FORBIDDEN", "NOT_FOUND"].includes(body.error?.code), JSON.stringify(body));

    await checkAccessible(bob.page, "a room with an image");
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("a plain file is a card with its name, size and a download link that downloads", async () => {
  const { alice, bob, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("files") });
  try {
    const text = "minutes of the meeting\n".repeat(60); // 1380 bytes
    await alice.page.getByTestId("attach-input").setInputFiles({ name: "minutes.txt", mimeType: "text/plain", buffer: Buffer.from(text) });
    await alice.page.locator('.upload-chip[data-status="done"]').waitFor();
    await alice.page.getByRole("textbox", { name: "Message" }).fill("the minutes");
    await alice.page.getByRole("button", { name: "Send" }).click();

    const card = last(bob.page).locator(".file-card");
    await card.waitFor();
    assert.equal(await last(bob.page).locator(".msg-text").textContent(), "the minutes");
    assert.equal(await card.locator(".file-name").textContent(), "minutes.txt");
    assert.equal(await card.locator(".file-size").textContent(), "1.3 KB");
    const download = card.getByRole("link", { name: "Download minutes.txt" });
    const href = new URL(await download.getAttribute("href"), ctx.base);
    const res = await api(ctx.base, "GET", href.pathname + href.search);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition"), /^attachment;/);
    assert.equal(res.text, text);
    await checkAccessible(bob.page, "a room with a file card");
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("a file over the server's limit shows the error on its chip and cannot be sent; removing it clears the composer", async () => {
  const { alice, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("files") });
  try {
    const before = await messages(alice.page).count();
    await alice.page.getByTestId("attach-input").setInputFiles({ name: "huge.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(MAX_UPLOAD + 1) });
    const chip = alice.page.locator(".upload-chip");
    await chip.and(alice.page.locator('[data-status="failed"]')).waitFor();
    assert.equal(await chip.getByRole("alert").textContent(), "Too large to upload.");
    assert.equal(await alice.page.getByRole("button", { name: "Send" }).isDisabled(), true, "nothing to send");
    await alice.page.locator("#composer").press("Enter");
    assert.equal(await messages(alice.page).count(), before);

    await chip.getByRole("button", { name: "Remove huge.bin" }).click();
    await chip.waitFor({ state: "detached" });
    assert.deepEqual(alice.page.errors, []);
  } finally {
    await close();
  }
});

test("a slow upload shows its progress and can be cancelled; send waits for uploads to finish", async () => {
  const { alice, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("files") });
  try {
    // a slow link: 150 KB at 30 KB/s takes about five seconds
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 30_000 });
    await alice.page.getByRole("textbox", { name: "Message" }).fill("with a file");
    await alice.page.getByTestId("attach-input").setInputFiles({ name: "slow.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(150_000, 7) });
    const chip = alice.page.locator('.upload-chip[data-status="uploading"]');
    const bar = chip.getByRole("progressbar", { name: "Uploading slow.bin" });
    await alice.page.waitForFunction(() => Number(document.querySelector(".upload-chip progress")?.value) > 0);
    assert.equal(await bar.getAttribute("max"), "150000");
    assert.equal(await alice.page.getByRole("button", { name: "Send" }).isDisabled(), true, "the text waits for the file");
    await chip.getByRole("button", { name: "Cancel uploading slow.bin" }).click();
    await alice.page.locator(".upload-chip").waitFor({ state: "detached" });
    assert.equal(await alice.page.getByRole("button", { name: "Send" }).isDisabled(), false, "the text alone may go now");
    assert.deepEqual(alice.page.errors, []);
  } finally {
    await close();
  }
});

test("files dropped onto the room are uploaded, and go with the next message", async () => {
  const { alice, bob, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("files") });
  try {
    await alice.page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["a,b\n1,2\n"], "table.csv", { type: "text/csv" }));
      data.items.add(new File(["hello"], "hello.txt", { type: "text/plain" }));
      const zone = document.querySelector(".drop-zone");
      for (const type of ["dragenter", "dragover", "drop"]) zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await alice.page.locator('.upload-chip[data-status="done"]').nth(1).waitFor();
    await alice.page.getByRole("textbox", { name: "Message" }).fill("two files");
    await alice.page.getByRole("textbox", { name: "Message" }).press("Enter");
    const msg = last(bob.page);
    await msg.locator(".file-card").nth(1).waitFor();
    assert.deepEqual(await msg.locator(".file-card .file-name").allTextContents(), ["table.csv", "hello.txt"]);
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});
