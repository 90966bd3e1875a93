// Search in the browser: Ctrl+K opens it, Chinese terms match inside
// sentences, the match is marked, and Enter opens the room at the message
// (older than the page of history loaded first), in view and highlighted.
// Then paging with "load more", the keyboard, and the empty state.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { call, connect, createRoom, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 1000, PARLEY_SEND_BURST: 1000 } });
const chrome = sharedBrowser();

async function sendAll(token, room, texts) {
  const s = await connect(ctx.base, token);
  const sent = [];
  try {
    for (const text of texts) sent.push((await call(s, "message:send", { room, text, clientMsgId: uniqueName("c") })).message);
  } finally {
    s.close();
  }
  return sent;
}

/** Whether the element lies inside the visible part of the room's log. */
const inView = (el) => {
  const box = el.getBoundingClientRect();
  const view = el.closest(".messages").getBoundingClientRect();
  return box.top >= view.top && box.bottom <= view.bottom;
};

test("Ctrl+K, 数据库: exactly the right result, marked; Enter opens the room at that old message, highlighted", async () => {
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"), { displayName: "Alice Zhang" });
  const other = await signedIn(chrome.browser, ctx.base, uniqueName("olga"));
  const room = await createRoom(ctx.base, alice.token, { name: uniqueName("ops") });
  const elsewhere = await createRoom(ctx.base, other.token, { name: uniqueName("secret"), private: true });
  try {
    const [target] = await sendAll(alice.token, room.id, [
      "今晚进行数据库迁移，请提前备份",
      "数据 库 分开写的不算",
      ...Array.from({ length: 130 }, (_, i) => `filler ${i}`),
    ]);
    await sendAll(other.token, elsewhere.id, ["别人房间里的数据库消息"]);

    await alice.page.reload();
    await alice.page.locator("#composer").waitFor();
    // start elsewhere: the search has to open the room
    assert.notEqual(await alice.page.locator(".room-link.active").getAttribute("data-room"), room.id);

    await alice.page.keyboard.press("Control+k");
    const box = alice.page.getByRole("combobox", { name: "Search messages" });
    await box.waitFor();
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, "the box has focus");
    await box.fill("数据库");
    const results = alice.page.locator(".search-result");
    await results.first().waitFor();
    await alice.page.getByRole("status").filter({ hasText: "Searching" }).waitFor({ state: "detached" });
    assert.equal(await results.count(), 1, "only the message holding 数据库, in my rooms");
    const hit = results.first();
    assert.equal(await hit.getAttribute("data-id"), target.id);
    assert.deepEqual(await hit.locator("mark").allTextContents(), ["数据库"]);
    assert.equal(await hit.locator(".search-text").textContent(), "今晚进行数据库迁移，请提前备份");
    assert.equal(await hit.locator(".search-room").textContent(), `#${room.name}`);
    assert.equal(await hit.locator(".search-sender").textContent(), "Alice Zhang");
    assert.equal(await hit.getAttribute("aria-selected"), "true");
    await checkAccessible(alice.page, "the search dialog with a result");

    await box.press("Enter");
    await alice.page.locator("dialog.modal").waitFor({ state: "detached" });
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();
    const msg = alice.page.locator(`.msg-list li.msg[data-id="${target.id}"]`);
    await msg.and(alice.page.locator(".msg-highlight")).waitFor();
    assert.equal(await msg.locator(".msg-text").textContent(), "今晚进行数据库迁移，请提前备份");
    assert.ok(await msg.evaluate(inView), "the message is scrolled into view");
    assert.equal(await alice.page.evaluate(() => document.activeElement?.classList.contains("msg-highlight")), true, "focus moves to it");
    assert.deepEqual([...alice.page.errors, ...other.page.errors], []);
  } finally {
    await alice.context.close();
    await other.context.close();
  }
});

test("search pages with load more, can keep to the open room, moves with the arrows, says when nothing matches, and Esc closes it", async () => {
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"));
  const room = await createRoom(ctx.base, alice.token, { name: uniqueName("hay") });
  const other = await createRoom(ctx.base, alice.token, { name: uniqueName("barn") });
  try {
    const [elsewhere] = await sendAll(alice.token, other.id, ["a needle in the barn's hay"]);
    const sent = await sendAll(alice.token, room.id, Array.from({ length: 25 }, (_, i) => `Needle number ${i} in <b>hay</b>`));
    const newestFirst = sent.map((m) => m.id).reverse();
    await alice.page.reload();
    await alice.page.locator(`.room-link[data-room="${room.id}"]`).click();
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();

    await alice.page.getByRole("button", { name: "Search", exact: true }).click();
    const box = alice.page.getByRole("combobox", { name: "Search messages" });
    await box.fill("needle HAY");
    const results = alice.page.locator(".search-result");
    const ids = () => results.evaluateAll((els) => els.map((e) => e.dataset.id));
    await alice.page.getByRole("button", { name: "Load more" }).waitFor();
    assert.deepEqual(await ids(), newestFirst.slice(0, 20), "the first page, newest first");
    // markup in a message is text, both terms are marked
    assert.equal(await results.first().locator(".search-text").textContent(), "Needle number 24 in <b>hay</b>");
    assert.deepEqual(await results.first().locator("mark").allTextContents(), ["Needle", "hay"]);
    assert.equal(await results.first().locator(".search-text b").count(), 0);

    await alice.page.getByRole("button", { name: "Load more" }).click();
    await alice.page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
    assert.deepEqual(await ids(), [...newestFirst, elsewhere.id], "then the rest, no repeats, the other room's too");
    assert.equal(await results.last().locator(".search-room").textContent(), `#${other.name}`);

    await alice.page.getByRole("checkbox", { name: `Only in #${room.name}` }).check();
    await alice.page.waitForFunction((want) => [...document.querySelectorAll(".search-result")].map((e) => e.dataset.id).join() === want, newestFirst.slice(0, 20).join());
    await alice.page.getByRole("button", { name: "Load more" }).click();
    await alice.page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
    assert.deepEqual(await ids(), newestFirst, "only the open room's");

    await box.press("ArrowDown");
    await box.press("ArrowDown");
    await box.press("ArrowUp");
    assert.equal(await alice.page.locator('.search-result[aria-selected="true"]').getAttribute("data-id"), newestFirst[1]);
    assert.equal(await box.getAttribute("aria-activedescendant"), "search-results-1");

    await box.fill("zzqqxx");
    await alice.page.getByText("Nothing matches “zzqqxx”.").waitFor();
    assert.equal(await results.count(), 0);

    await box.press("Escape");
    await alice.page.locator("dialog.modal").waitFor({ state: "detached" });
    assert.deepEqual(alice.page.errors, []);
  } finally {
    await alice.context.close();
  }
});
