// The assistant in the browser: a bot user (kind "bot", named by the
// server's PARLEY_ASSISTANT_NAME, `assistant` by default) in every group
// room; "@assistant help" gets, asynchronously, a normal message from it
// that mentions the asker; with a model configured, its reply streams in
// through `message:stream` deltas and is replaced by the final message.
import { after, before } from "node:test";
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { startServer, uniqueName } from "../../e2e/lib/server.js";
import { launch, messages, sendMessage, signedIn } from "./browser.js";
import { startModel } from "../../e2e/lib/model.js";

const ctx = sharedServer();
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function botReplies(page) {
  return messages(page).and(page.locator('[data-sender-kind="bot"]'));
}

test("@assistant help gets a reply from the bot that mentions me, rendered as the bot's", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  try {
    const page = alice.page;
    // the assistant is offered by the @ autocomplete from the member list
    const box = page.getByRole("textbox", { name: "Message" });
    await box.pressSequentially("@assis");
    await page.getByRole("option").filter({ hasText: "@assistant" }).waitFor();
    await box.press("Enter");
    await box.pressSequentially("help");
    assert.equal(await box.inputValue(), "@assistant help");
    await box.press("Enter");

    const reply = botReplies(page).filter({ has: page.locator(".mention-me") });
    await reply.first().waitFor({ timeout: 30_000 });
    assert.equal(await reply.first().getAttribute("data-sender"), "assistant");
    assert.equal(await reply.first().locator(".mention-me").first().textContent(), `@${alice.username}`);
    assert.ok((await reply.first().locator(".msg-text").textContent()).length > 20, "the reply lists what it can do");
    assert.equal(await page.locator('.msg[data-status="streaming"]').count(), 0, "the final message replaced any stream");
    assert.deepEqual(page.errors, []);
  } finally {
    await alice.context.close();
  }
});

test("the assistant's name comes from the server: @helper is offered and answers as the bot", async () => {
  const server = await startServer({ env: { PARLEY_ASSISTANT_NAME: "helper" } });
  const alice = await signedIn(browser, server.base, uniqueName("alice"));
  try {
    const page = alice.page;
    // the UI asks the server before it connects
    const config = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/config");
    await page.reload();
    assert.deepEqual(await (await config).json(), { assistant: "helper", defaultRoom: "general" });
    const box = page.getByRole("textbox", { name: "Message" });
    // "@assis" still finds the bot by its display name, but by the server's username
    await box.pressSequentially("@assis");
    await page.getByRole("listbox", { name: "People to mention" }).getByRole("option").first().waitFor();
    assert.deepEqual(await page.getByRole("listbox", { name: "People to mention" }).getByRole("option").locator(".muted").allTextContents(), ["@helper"]);
    await box.fill("");
    await box.pressSequentially("@hel");
    await page.getByRole("option").filter({ hasText: "@helper" }).waitFor();
    await box.press("Enter");
    await box.pressSequentially("help");
    assert.equal(await box.inputValue(), "@helper help");
    await box.press("Enter");

    const reply = botReplies(page).filter({ has: page.locator(".mention-me") });
    await reply.first().waitFor({ timeout: 30_000 });
    assert.equal(await reply.first().getAttribute("data-sender"), "helper");
    assert.equal(await reply.first().locator(".tag-bot").count(), 1, "shown with the bot tag");
    assert.equal(await reply.first().locator(".mention-me").first().textContent(), `@${alice.username}`);
    assert.ok((await reply.first().locator(".msg-text").textContent()).length > 20, "the reply lists what it can do");
    assert.deepEqual(page.errors, []);
  } finally {
    await alice.context.close();
    await server.stop();
  }
});

test("a Chinese request gets an answer in Chinese", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"), { locale: "zh-CN" });
  try {
    await alice.page.getByRole("textbox", { name: "消息" }).waitFor();
    await sendMessage(alice.page, "@assistant 帮助", "消息");
    const reply = botReplies(alice.page).filter({ has: alice.page.locator(".mention-me") });
    await reply.first().waitFor({ timeout: 30_000 });
    assert.match(await reply.first().locator(".msg-text").textContent(), /[\u4e00-\u9fff]/, "the answer is in Chinese");
  } finally {
    await alice.context.close();
  }
});

test("a model's reply streams in live, then the final message replaces it; its Markdown is rendered safely", async () => {
  const chunks = ["Here are ", "**three** ", "things:\n\n", "- one\n", "- `two`\n", "- [docs](https://example.com/docs)", " and [bad](javascript:alert(1))\n\n", "<img src=x onerror=alert(1)>"];
  const model = await startModel({ chunks, gapMs: 150 });
  const server = await startServer({ env: { PARLEY_LLM_BASE_URL: model.baseURL, PARLEY_LLM_API_KEY: "test", PARLEY_LLM_MODEL: "fake" } });
  const alice = await signedIn(browser, server.base, uniqueName("alice"));
  try {
    const page = alice.page;
    await sendMessage(page, "@assistant give me three things about sync");
    const streaming = page.locator('.msg[data-status="streaming"][data-sender-kind="bot"]');
    await streaming.waitFor({ timeout: 20_000 });
    const partial = await streaming.locator(".msg-text").textContent();
    assert.ok(partial.length < chunks.join("").length, `the reply shows while it is written (saw ${JSON.stringify(partial)})`);

    const final = botReplies(page).and(page.locator('[data-status="sent"]')).filter({ hasText: "Here are" });
    await final.waitFor({ timeout: 20_000 });
    await streaming.waitFor({ state: "detached" });
    assert.equal(await botReplies(page).filter({ hasText: "Here are" }).count(), 1, "one reply, not the stream and the message");

    const text = final.locator(".msg-text");
    assert.equal(await text.locator("strong").textContent(), "three");
    assert.deepEqual(await text.locator("li").allTextContents(), ["one", "two", "docs and bad"]);
    const link = text.getByRole("link", { name: "docs" });
    assert.equal(await link.getAttribute("href"), "https://example.com/docs");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer nofollow");
    assert.equal(await text.getByRole("link", { name: "bad" }).count(), 0, "a javascript: link is not made");
    assert.equal(await text.locator("img").count(), 0);
    assert.match(await text.textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.deepEqual(page.errors, []);
    assert.ok(model.requests.length >= 1);
  } finally {
    await alice.context.close();
    await server.stop();
    await model.close();
  }
});
