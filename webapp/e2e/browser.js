// Browser harness: Debian's Chromium driven by playwright-core,
// against the real binary started by the e2e harness (../../e2e/lib).
import { chromium } from "playwright-core";
import { api, uniqueName, DEFAULT_PASSWORD } from "../../e2e/lib/server.js";

export { startServer, uniqueName, DEFAULT_PASSWORD, api } from "../../e2e/lib/server.js";

export const CHROMIUM = process.env.PARLEY_CHROMIUM || "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A new browser context (its own storage) on base, English UI. */
export async function newPage(browser, base, { viewport = { width: 1280, height: 800 }, colorScheme = "light", locale = "en-US" } = {}) {
  const context = await browser.newContext({ baseURL: base, viewport, colorScheme, locale });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) errors.push(new Error(msg.text()));
  });
  page.on("dialog", (d) => {
    errors.push(new Error(`unexpected dialog: ${d.message()}`));
    void d.dismiss();
  });
  page.errors = errors;
  return { context, page };
}

/** Registers through the API and opens the app signed in (the UI keeps the token in localStorage). */
export async function signedIn(browser, base, username = uniqueName("u"), opts = {}) {
  const res = await api(base, "POST", "/api/auth/register", { json: { username, password: DEFAULT_PASSWORD, ...(opts.displayName ? { displayName: opts.displayName } : {}) } });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  const { context, page } = await newPage(browser, base, opts);
  await context.addInitScript((session) => {
    if (!localStorage.getItem("parley.session")) localStorage.setItem("parley.session", session);
  }, JSON.stringify(res.body));
  await page.goto("/");
  await page.locator("#composer").waitFor();
  return { context, page, username, token: res.body.token, user: res.body.user };
}

/** Opens the app in a new context already signed in as session ({token, user}). */
export async function openAs(browser, base, session, opts = {}) {
  const { context, page } = await newPage(browser, base, opts);
  await context.addInitScript((s) => {
    if (!localStorage.getItem("parley.session")) localStorage.setItem("parley.session", s);
  }, JSON.stringify({ token: session.token, user: session.user }));
  await page.goto("/");
  await page.locator("#composer").waitFor();
  return { context, page, username: session.user.username, token: session.token, user: session.user };
}

/** The message elements of the open room. */
export function messages(page) {
  return page.locator(".msg-list li.msg");
}

export async function sendMessage(page, text, label = "Message") {
  const box = page.getByRole("textbox", { name: label });
  await box.fill(text);
  await box.press("Enter");
}
