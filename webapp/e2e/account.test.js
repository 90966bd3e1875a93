// The account settings a signed-in person reaches from the sidebar: the
// "Change password" dialog, which ends the account's other sessions and
// keeps this one.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { api, DEFAULT_PASSWORD, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, openAs, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SESSION_CHECK: "500ms" } });
const chrome = sharedBrowser();

const NEW_PASSWORD = "battery-staple-7";

test("change password from the sidebar: a wrong current one is said so; then the other device is signed out", async () => {
  const first = await signedIn(chrome.browser, ctx.base, uniqueName("pw"));
  const login = await api(ctx.base, "POST", "/api/auth/login", { json: { username: first.username, password: DEFAULT_PASSWORD } });
  assert.equal(login.status, 200, login.text);
  const second = await openAs(chrome.browser, ctx.base, login.body);
  try {
    const { page } = first;
    // Keyboard: the sidebar button opens the dialog with focus in it.
    await page.getByRole("button", { name: "Change password" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Change password" });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("autocomplete")), "current-password");
    await checkAccessible(page, "change password dialog");

    await dialog.getByLabel("Current password").fill("not-my-password");
    await dialog.getByLabel("New password").fill(NEW_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.getByRole("alert").filter({ hasText: "The current password is wrong." }).waitFor();
    assert.ok(await page.locator("#composer").isVisible(), "a wrong current password does not sign out");

    await dialog.getByLabel("Current password").fill(DEFAULT_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.getByRole("status").filter({ hasText: "Password changed. Your other sessions were logged out." }).waitFor();
    await checkAccessible(page, "password changed");
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await dialog.waitFor({ state: "detached" });

    // The other device is told and signed out; this one carries on.
    await second.page.getByRole("status").filter({ hasText: "You were logged out (from this or another device). Please log in again." }).waitFor();
    await second.page.getByLabel("Username").waitFor();
    assert.equal((await api(ctx.base, "GET", "/api/me", { token: login.body.token })).status, 401);
    assert.equal((await api(ctx.base, "GET", "/api/me", { token: first.token })).status, 200);
    assert.ok(await page.locator("#composer").isVisible());
    const old = await api(ctx.base, "POST", "/api/auth/login", { json: { username: first.username, password: DEFAULT_PASSWORD } });
    assert.equal(old.status, 401);
    const fresh = await api(ctx.base, "POST", "/api/auth/login", { json: { username: first.username, password: NEW_PASSWORD } });
    assert.equal(fresh.status, 200, fresh.text);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(second.page.errors, []);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});
