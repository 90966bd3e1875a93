// Accessibility: axe-core's WCAG 2.1 A and AA rules on the sign-in page, a
// busy room with the assistant's streamed Markdown reply, and the phone
// layout with its room drawer open; any critical or serious violation
// fails (checkAccessible in browser.js, reusable for new screens).
import { after, before } from "node:test";
import { test, assert } from "../../e2e/lib/fixture.js";
import { call, connect, createRoom, register, startServer, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, launch, messages, newPage, openAs, sendMessage } from "./browser.js";
import { startModel } from "../../e2e/lib/model.js";

let model, server, browser, me, design, carolName;
const sockets = [];
const PHONE = { width: 390, height: 844 };

before(async () => {
  model = await startModel({
    chunks: ["Sure! **Release 0.9** in short:\n\n", "- Catch up through `sync`\n", "- Group commit\n\n", "Notes: [changelog](https://example.com/notes)"],
    gapMs: 20,
  });
  server = await startServer({
    env: { PARLEY_SEND_RATE: 100, PARLEY_SEND_BURST: 100, PARLEY_LLM_BASE_URL: model.baseURL, PARLEY_LLM_API_KEY: "x", PARLEY_LLM_MODEL: "fake" },
  });
  browser = await launch();
  const base = server.base;
  // a busy #general: several people talking, a mention of me, a DM and an unread room
  const bob = await register(base, uniqueName("bob"), undefined, "Bob Li");
  const carol = await register(base, uniqueName("carol"), undefined, "Carol Díaz");
  me = await register(base, uniqueName("alice"), undefined, "Alice Chen");
  const sb = await connect(base, bob.token);
  const sc = await connect(base, carol.token);
  sockets.push(sb, sc);
  const say = (s, room, text) => call(s, "message:send", { room, text, clientMsgId: uniqueName("a11y") });
  await say(sb, "general", "Morning all! The new build is on staging.");
  await say(sc, "general", "Does it include the reconnect fix? https://example.com/fix");
  await say(sb, "general", `@${me.user.username} can you review the release notes?`);
  carolName = carol.user.username;
  design = await createRoom(base, carol.token, { name: uniqueName("design"), topic: "Mockups and reviews" });
  await call(sc, "room:invite", { room: design.id, user: me.user.username }).catch(() => undefined);
  await say(sc, design.id, "New icons are in Figma.");
  const dm = await call(sc, "dm:open", { user: me.user.username });
  await say(sc, dm.room.id, "Got a minute?");
});

after(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
  await server?.stop();
  await model?.close();
});

test("the sign-in and sign-up forms have no serious accessibility violations", async () => {
  const { context, page } = await newPage(browser, server.base);
  try {
    await page.goto("/");
    await page.getByRole("button", { name: "Log in" }).last().waitFor();
    await checkAccessible(page, "sign-in page");
    await page.getByRole("tab", { name: "Sign up" }).click();
    await page.getByRole("button", { name: "Create an account" }).waitFor();
    await checkAccessible(page, "sign-up page");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a busy room with the assistant's reply has no serious accessibility violations", async () => {
  const alice = await openAs(browser, server.base, me);
  try {
    const page = alice.page;
    await messages(page).filter({ hasText: "release notes" }).waitFor();
    await sendMessage(page, "@assistant summarize the changelog");
    await page.locator('.msg[data-status="sent"][data-sender-kind="bot"]').filter({ hasText: "Release 0.9" }).waitFor({ timeout: 20_000 });
    await sockets[0].emitWithAck("typing", { room: "general", typing: true });
    await page.getByText(/is typing/).waitFor();
    await checkAccessible(page, "busy room");
    // links and buttons are named by what they show (axe's label-content-name-mismatch), with
    // what only the badge and the presence dot say put in words
    const named = (name, ...words) => new RegExp(`^${name}${words.map((w) => `\\s?, ${w}`).join("")}$`);
    await page.getByRole("link", { name: named(design.name, "1 unread") }).waitFor();
    await page.getByRole("link", { name: named(carolName, "online", "1 unread") }).waitFor();
    const count = await page.locator(".room-head .count").textContent();
    await page.getByRole("button", { name: `Show members: ${count}`, exact: true }).waitFor();
    // the @ autocomplete open over the composer
    await page.getByRole("textbox", { name: "Message" }).pressSequentially("@assis");
    await page.getByRole("listbox", { name: "People to mention" }).getByRole("option").first().waitFor();
    await checkAccessible(page, "mention autocomplete");
    assert.deepEqual(page.errors, []);
  } finally {
    await alice.context.close();
  }
});

test("the dark theme keeps its contrast", async () => {
  const dark = await openAs(browser, server.base, me, { colorScheme: "dark" });
  try {
    await messages(dark.page).filter({ hasText: "Release 0.9" }).waitFor({ timeout: 20_000 });
    await checkAccessible(dark.page, "busy room, dark");
  } finally {
    await dark.context.close();
  }
});

test("the phone layout, with the room drawer open, has no serious accessibility violations", async () => {
  const phone = await openAs(browser, server.base, me, { viewport: PHONE });
  try {
    const page = phone.page;
    await messages(page).filter({ hasText: "Release 0.9" }).waitFor({ timeout: 20_000 });
    await checkAccessible(page, "phone room");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.locator(".room-link").first().waitFor({ state: "visible" });
    await checkAccessible(page, "phone room drawer");
    assert.deepEqual(page.errors, []);
  } finally {
    await phone.context.close();
  }
});
