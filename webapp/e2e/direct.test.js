// Starting a direct message in a real browser through the people picker:
// find someone by the start of their display name, pick them with a click
// or from the keyboard, and land in the conversation; an exact username
// and Enter still work. I am never offered
// to myself, and the open picker passes axe.
import { randomBytes } from "node:crypto";
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { register, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

test("find someone by display name in the new-message dialog and open the DM, by click and by keyboard", async () => {
  // a word nobody else's display name starts with, shared by all three
  const tag = `Zq${randomBytes(4).toString("hex")}`;
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"), { displayName: `${tag} Alice` });
  const bob = await register(ctx.base, uniqueName("bob"), undefined, `${tag} Bob`);
  const carol = await register(ctx.base, uniqueName("carol"), undefined, `${tag} Carol`);
  try {
    const page = alice.page;
    await page.getByRole("button", { name: "New message", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "New message" });
    const box = dialog.getByRole("combobox", { name: "Name or username to message" });
    await box.waitFor();
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, "the box has the focus");

    // everyone with the tag but me
    await page.keyboard.type(tag);
    const options = dialog.getByRole("option");
    await options.nth(1).waitFor();
    const people = (await options.evaluateAll((els) => els.map((el) => el.querySelector(".person > span:last-child").textContent.replace(/\s+/g, " ").trim()))).sort();
    assert.deepEqual(people, [`${tag} Bob @${bob.user.username}`, `${tag} Carol @${carol.user.username}`]);
    assert.equal(await box.getAttribute("aria-expanded"), "true");
    await checkAccessible(page, "the new-message picker");

    // narrow down to bob and click him
    await page.keyboard.type(" B");
    await dialog.getByRole("option").filter({ hasText: carol.user.username }).waitFor({ state: "detached" });
    await dialog.getByRole("option", { name: `${tag} Bob @${bob.user.username}` }).click();
    await page.getByRole("heading", { level: 1, name: bob.user.username }).waitFor();
    await dialog.waitFor({ state: "detached" });

    // carol, from the keyboard only
    await page.getByRole("button", { name: "New message", exact: true }).focus();
    await page.keyboard.press("Enter");
    await box.waitFor();
    await page.keyboard.type(`${tag} c`);
    const carolOption = dialog.getByRole("option", { name: `${tag} Carol @${carol.user.username}` });
    await carolOption.waitFor();
    assert.equal(await dialog.getByRole("option").count(), 1);
    await page.keyboard.press("ArrowDown");
    assert.equal(await carolOption.getAttribute("aria-selected"), "true");
    assert.equal(await box.getAttribute("aria-activedescendant"), await carolOption.getAttribute("id"));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: carol.user.username }).waitFor();
    await dialog.waitFor({ state: "detached" });

    // an exact username and Enter, with nobody picked, still works
    await page.getByRole("button", { name: "New message", exact: true }).click();
    await box.waitFor();
    await page.keyboard.type(`@${bob.user.username}`);
    await dialog.getByRole("option", { name: `${tag} Bob @${bob.user.username}` }).waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: bob.user.username }).waitFor();
    await dialog.waitFor({ state: "detached" });
  } finally {
    await alice.context.close();
  }
});
