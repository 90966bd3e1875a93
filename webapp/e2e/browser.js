// Browser harness: Debian's Chromium driven by playwright-core,
// against the real binary started by the e2e harness (../../e2e/lib).
import { readFileSync } from "node:fs";
import { after, before } from "node:test";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { api, call, connect, createRoom, uniqueName, DEFAULT_PASSWORD } from "../../e2e/lib/server.js";

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

/** The room's message whose own text (not a quote of it) has text. */
export function messageWith(page, text) {
  return messages(page).filter({ has: page.locator(".msg-text", { hasText: text }) });
}

export async function sendMessage(page, text, label = "Message") {
  const box = page.getByRole("textbox", { name: label });
  await box.fill(text);
  await box.press("Enter");
}

// axe-core's WCAG 2.1 A and AA rules; critical and serious findings fail a test.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_FAILING = new Set(["critical", "serious"]);

/**
 * Runs axe-core on the page as it is now and throws, listing each rule, the
 * elements it flagged and its help text, on any critical or serious
 * violation. The source is evaluated over the DevTools protocol, which the
 * page's Content-Security-Policy does not apply to.
 */
export async function checkAccessible(page, what = "the page") {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) => r.violations),
    AXE_TAGS,
  );
  const failing = violations.filter((v) => AXE_FAILING.has(v.impact));
  if (failing.length === 0) return;
  const lines = failing.map(
    (v) => `- ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]\n` + v.nodes.map((n) => `    ${n.target.join(" ")}`).join("\n"),
  );
  throw new Error(`${what}: ${failing.length} accessibility violation(s)\n${lines.join("\n")}`);
}

/** One Chromium for a test file: launched before its tests, closed after them. */
export function sharedBrowser() {
  const chrome = { browser: null };
  before(async () => {
    chrome.browser = await launch();
  });
  after(async () => {
    await chrome.browser?.close();
  });
  return chrome;
}

/**
 * Two people, alice and bob, in a new room made with roomOpts (alice owns
 * it), each with the app open on it. close() ends both browser contexts.
 */
export async function pairInRoom(browser, base, roomOpts) {
  const alice = await signedIn(browser, base, uniqueName("alice"));
  const bob = await signedIn(browser, base, uniqueName("bob"));
  const room = await createRoom(base, alice.token, roomOpts);
  const s = await connect(base, bob.token);
  await call(s, "room:join", { room: room.id });
  s.close();
  for (const p of [alice, bob]) {
    await p.page.reload();
    await p.page.locator(`.room-link[data-room="${room.id}"]`).click();
    await p.page.getByRole("heading", { level: 1, name: room.name }).waitFor();
  }
  const close = async () => {
    await alice.context.close();
    await bob.context.close();
  };
  return { alice, bob, room, close };
}
