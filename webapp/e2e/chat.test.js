// The web UI in a real browser (Debian's Chromium via playwright-core)
// against the real binary: sign-up, live chat between two people, safe
// rendering, sends that fail and retry, reload, and catching up after
// going offline.
import { after, before } from "node:test";
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { api, connect, call, createRoom, register, uniqueName, DEFAULT_PASSWORD } from "../../e2e/lib/server.js";
import { launch, messages, newPage, openAs, sendMessage, signedIn } from "./browser.js";

const MAX_TEXT = 300;
const ctx = sharedServer({ env: { PARLEY_MAX_TEXT_LENGTH: MAX_TEXT, PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500, PARLEY_PRESENCE_GRACE: "300ms" } });
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A public room owned by owner with the others joined (through the API). */
async function roomWith(owner, ...others) {
  const room = await createRoom(ctx.base, owner.token, { name: uniqueName("room"), topic: "browser tests" });
  for (const o of others) {
    const s = await connect(ctx.base, o.token);
    await call(s, "room:join", { room: room.id });
    s.close();
  }
  return room;
}

async function openRoom(page, room) {
  await page.locator(`.room-link[data-room="${room.id}"]`).click();
  await page.getByRole("heading", { level: 1, name: room.name }).waitFor();
}

function messageWith(page, text) {
  return messages(page).filter({ hasText: text });
}

test("sign up and log in through the form, with the API's errors shown", async () => {
  const { context, page } = await newPage(browser, ctx.base);
  try {
    await page.goto("/");
    await page.getByRole("tab", { name: "Sign up" }).click();
    await page.getByLabel("Username").fill("x");
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Create an account" }).click();
    await assert.doesNotReject(page.getByRole("alert").filter({ hasText: /username/i }).waitFor());

    const name = uniqueName("signup");
    await page.getByLabel("Username").fill(name);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await page.getByRole("heading", { level: 1, name: "general" }).waitFor();
    assert.ok(await page.evaluate(() => localStorage.getItem("parley.session")), "the session is kept for reloads");

    await page.getByRole("button", { name: "Log out" }).click();
    assert.equal(await page.evaluate(() => localStorage.getItem("parley.session")), null, "logout clears the token");
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password", { exact: true }).fill("wrong-password-1");
    await page.getByRole("button", { name: "Log in" }).last().click();
    await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).last().click();
    await page.getByRole("textbox", { name: "Message" }).waitFor();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("tab", { name: "Sign up" }).click();
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByRole("alert").filter({ hasText: "That username is taken." }).waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("logging out everywhere on one device signs the other out, which says why", async () => {
  const first = await signedIn(browser, ctx.base, uniqueName("devices"));
  const login = await api(ctx.base, "POST", "/api/auth/login", { json: { username: first.username, password: DEFAULT_PASSWORD } });
  assert.equal(login.status, 200, login.text);
  const second = await openAs(browser, ctx.base, login.body);
  try {
    await second.page.getByRole("button", { name: "Everywhere" }).click();
    await second.page.getByLabel("Username").waitFor();
    await first.page.getByRole("status").filter({ hasText: "You were logged out (from this or another device). Please log in again." }).waitFor();
    await first.page.getByLabel("Username").waitFor();
    assert.equal(await first.page.evaluate(() => localStorage.getItem("parley.session")), null, "the ended session is forgotten");
    for (const token of [first.token, login.body.token]) {
      assert.equal((await api(ctx.base, "GET", "/api/me", { token })).status, 401, "the tokens are revoked on the server");
    }
    assert.deepEqual(first.page.errors, []);
    assert.deepEqual(second.page.errors, []);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});

test("two people chat live; HTML stays text; mentions, typing and unread badges show", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  try {
    const room = await roomWith(alice, bob);
    await alice.page.reload();
    await bob.page.reload();
    await openRoom(alice.page, room);
    await openRoom(bob.page, room);

    const evil = `look <img src=x onerror=alert(1)><script>alert(2)</script> @${bob.username} https://example.com/a`;
    await sendMessage(alice.page, evil);
    const got = messageWith(bob.page, "look <img src=x");
    await got.waitFor();
    assert.equal(await got.locator(".msg-text").textContent(), evil, "the text arrives exactly as typed");
    assert.equal(await bob.page.locator(".msg-list img, .msg-list script").count(), 0, "no element was made from the text");
    assert.equal(await got.locator(".mention-me").textContent(), `@${bob.username}`, "my mention is highlighted strongly");
    const link = got.getByRole("link", { name: "https://example.com/a" });
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer nofollow");
    assert.equal(await got.getAttribute("data-sender-kind"), "human");

    // typing shows on the other side
    await bob.page.getByRole("textbox", { name: "Message" }).pressSequentially("typing…");
    await alice.page.getByText(/is typing/).waitFor();
    await bob.page.getByRole("textbox", { name: "Message" }).fill("");

    // Shift+Enter is a newline, Enter sends
    const box = bob.page.getByRole("textbox", { name: "Message" });
    await box.pressSequentially("line one");
    await box.press("Shift+Enter");
    await box.pressSequentially("line two");
    await box.press("Enter");
    await messageWith(alice.page, "line one").waitFor();
    assert.equal(await messageWith(alice.page, "line one").locator(".msg-text").innerText(), "line one\nline two");
    assert.equal(await messageWith(alice.page, "line one").locator(".msg-text p br").count(), 1, "the newline is a line break");
    assert.equal(await box.inputValue(), "", "the box is emptied after sending");

    // Alt+↑/↓ moves between rooms from the keyboard
    await alice.page.keyboard.press("Alt+ArrowUp");
    await alice.page.getByRole("heading", { level: 1, name: "general" }).waitFor();
    await alice.page.keyboard.press("Alt+ArrowDown");
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();

    // a message to a room alice is not looking at counts as unread, in the badge and the tab title
    await alice.page.locator('.room-link[data-room="general"]').click();
    await sendMessage(bob.page, "are you there?");
    const badge = alice.page.locator(`.room-link[data-room="${room.id}"] .badge`);
    await badge.waitFor();
    assert.equal(await badge.textContent(), "1");
    await alice.page.waitForFunction(() => /^\(\d+\) Parley$/.test(document.title));
    await openRoom(alice.page, room);
    await badge.waitFor({ state: "detached" });
    const marker = alice.page.locator(".new-sep + .msg");
    assert.match(await marker.textContent(), /are you there\?/, "a 'New messages' line marks where reading resumes");
    await alice.page.waitForFunction(() => document.title === "Parley");

    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

test("people's messages render the Markdown subset as elements; links stay safe", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  try {
    const room = await roomWith(alice, bob);
    await alice.page.reload();
    await bob.page.reload();
    await openRoom(alice.page, room);
    await openRoom(bob.page, room);

    const text = `**bold** and \`code\` for **@${bob.username}**\n- first item\n- [bad](javascript:alert(1)) and [good](https://example.com/g)\n\n> quoted`;
    await sendMessage(alice.page, text);
    const got = messageWith(bob.page, "first item");
    await got.waitFor();
    const body = got.locator(".msg-text");
    assert.equal(await body.locator("strong").first().textContent(), "bold");
    assert.equal(await body.locator("code").textContent(), "code");
    assert.equal(await body.locator("strong .mention-me").textContent(), `@${bob.username}`, "a mention in bold is still highlighted");
    assert.deepEqual(await body.locator("ul > li").allTextContents(), ["first item", "bad and good"]);
    assert.equal(await body.locator("blockquote").textContent(), "quoted");
    assert.equal(await body.locator("a").count(), 1, "javascript: makes no link");
    const link = body.getByRole("link", { name: "good" });
    assert.equal(await link.getAttribute("href"), "https://example.com/g");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer nofollow");
    // the sender sees the same
    assert.equal(await messageWith(alice.page, "first item").locator(".msg-text ul > li").count(), 2);
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

test("@ offers the room's members and the assistant first, then other people by name", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await register(ctx.base, uniqueName("bobby"));
  const outsider = await register(ctx.base, uniqueName("outsider"));
  try {
    const room = await roomWith(alice, bob);
    await alice.page.reload();
    await openRoom(alice.page, room);
    const box = alice.page.getByRole("textbox", { name: "Message" });
    await box.pressSequentially("hi @bob");
    const options = alice.page.getByRole("listbox", { name: "People to mention" }).getByRole("option");
    await options.first().waitFor();
    // other bobs on this server may follow, but the member comes first
    assert.match(await options.first().textContent(), new RegExp(`@${bob.user.username}$`));
    await box.press("Enter");
    assert.equal(await box.inputValue(), `hi @${bob.user.username} `);
    await box.pressSequentially("and @as");
    await options.first().waitFor();
    assert.match(await options.first().textContent(), /@assistant/);
    await box.press("Tab");
    assert.equal(await box.inputValue(), `hi @${bob.user.username} and @assistant `);

    // someone not in the room, found on the server
    await box.pressSequentially(`cc @${outsider.user.username}`);
    await options.filter({ hasText: `@${outsider.user.username}` }).waitFor();
    assert.equal(await options.count(), 1);
    await box.press("Enter");
    assert.equal(await box.inputValue(), `hi @${bob.user.username} and @assistant cc @${outsider.user.username} `);
  } finally {
    await alice.context.close();
  }
});

test("a send the server refuses shows its error and can be retried or discarded", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  try {
    const room = await roomWith(alice);
    await alice.page.reload();
    await openRoom(alice.page, room);
    await sendMessage(alice.page, "x".repeat(MAX_TEXT + 1));
    const failed = alice.page.locator('.msg[data-status="failed"]');
    await failed.waitFor();
    assert.match(await failed.getByRole("alert").textContent(), /too long/i);
    await failed.getByRole("button", { name: "Retry" }).click();
    await alice.page.locator('.msg[data-status="failed"]').waitFor();
    await failed.getByRole("button", { name: "Discard" }).click();
    await failed.waitFor({ state: "detached" });
    await sendMessage(alice.page, "short and fine");
    await alice.page.locator('.msg[data-status="sent"]').filter({ hasText: "short and fine" }).waitFor();
  } finally {
    await alice.context.close();
  }
});

test("direct messages: start one with anyone; it shows up on the other side with presence", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  try {
    await alice.page.getByRole("button", { name: "New message", exact: true }).click();
    await alice.page.getByLabel("Username to message").fill(bob.username);
    await alice.page.getByRole("button", { name: "Start chatting" }).click();
    await alice.page.getByRole("heading", { level: 1, name: bob.username }).waitFor();
    await sendMessage(alice.page, "psst, just you");
    const dm = bob.page.locator(".room-link", { hasText: alice.username });
    await dm.waitFor();
    await dm.locator(".badge").waitFor();
    await bob.page.waitForSelector(`.room-link:has-text("${alice.username}") [data-presence="online"]`);
    await dm.click();
    await messageWith(bob.page, "psst, just you").waitFor();

    // alice closes her tab: bob's dot for her goes grey
    await alice.context.close();
    await bob.page.waitForSelector(`.room-link:has-text("${alice.username}") [data-presence="offline"]`);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

test("I can delete my message; everyone sees a tombstone", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  try {
    const room = await roomWith(alice, bob);
    await alice.page.reload();
    await bob.page.reload();
    await openRoom(alice.page, room);
    await openRoom(bob.page, room);
    await sendMessage(alice.page, "oops, wrong room");
    await messageWith(bob.page, "oops, wrong room").waitFor();
    assert.equal(await messageWith(bob.page, "oops").getByRole("button", { name: "Delete message" }).count(), 0, "not bob's to delete");
    const mine = messageWith(alice.page, "oops, wrong room");
    await mine.hover();
    await mine.getByRole("button", { name: "Delete message" }).click();
    await mine.getByRole("button", { name: "Delete?" }).click();
    for (const page of [alice.page, bob.page]) {
      await messageWith(page, "This message was deleted.").waitFor();
      assert.equal(await messageWith(page, "oops, wrong room").count(), 0);
    }
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

test("browse and join a public room; create a private one", async () => {
  const owner = await register(ctx.base, uniqueName("owner"));
  const room = await createRoom(ctx.base, owner.token, { name: uniqueName("public"), topic: "come in" });
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  try {
    await alice.page.getByRole("button", { name: "Browse rooms" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "Browse rooms" });
    await dialog.locator("li", { hasText: room.name }).getByRole("button", { name: "Join" }).click();
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();
    await alice.page.locator(`.room-link[data-room="${room.id}"]`).waitFor();

    await alice.page.getByRole("button", { name: "Create a room" }).click();
    const name = uniqueName("secret");
    await alice.page.getByLabel("Room name").fill(name);
    await alice.page.getByLabel("Private (invite only)").check();
    await alice.page.getByRole("button", { name: "Create", exact: true }).click();
    await alice.page.getByRole("heading", { level: 1, name }).waitFor();
    const listed = await api(ctx.base, "GET", "/api/rooms/public", { token: alice.token });
    assert.ok(!listed.body.rooms.some((r) => r.name === name), "a private room is not listed publicly");
  } finally {
    await alice.context.close();
  }
});

test("reload keeps the session, the history and the unread counts; scrolling back loads older messages", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await register(ctx.base, uniqueName("bob"));
  try {
    const room = await roomWith(alice, bob);
    const s = await connect(ctx.base, bob.token);
    for (let i = 1; i <= 120; i++) {
      const ack = await call(s, "message:send", { room: room.id, text: `old message ${i}`, clientMsgId: `seed-${room.id}-${i}` });
      assert.ok(ack.ok, JSON.stringify(ack));
    }
    await alice.page.reload();
    const badge = alice.page.locator(`.room-link[data-room="${room.id}"] .badge`);
    await badge.waitFor();
    assert.equal(await badge.textContent(), "99+");
    await openRoom(alice.page, room);
    await messageWith(alice.page, "old message 120").waitFor();
    assert.ok((await messages(alice.page).count()) <= 60, "only the newest page is loaded at first");

    // scroll back to the beginning
    const log = alice.page.getByRole("log");
    for (let i = 0; i < 20 && !(await alice.page.getByText("This is the beginning of").isVisible()); i++) {
      await log.evaluate((el) => (el.scrollTop = 0));
      await alice.page.waitForTimeout(150);
    }
    await messageWith(alice.page, "old message 1").first().waitFor();
    const seqs = await messages(alice.page).evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    assert.deepEqual(seqs, Array.from({ length: 120 }, (_, i) => i + 1), "every message once, in order");

    // reading advanced the cursor: after a reload nothing is unread, the history is back
    await alice.page.waitForTimeout(400);
    await alice.page.reload();
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();
    await messageWith(alice.page, "old message 120").waitFor();
    assert.equal(await badge.count(), 0);
    await s.emitWithAck("message:send", { room: room.id, text: "while away", clientMsgId: `away-${room.id}` });
    await messageWith(alice.page, "while away").waitFor(); // read where it arrives
    await alice.page.locator('.room-link[data-room="general"]').click();
    await s.emitWithAck("message:send", { room: room.id, text: "while away 2", clientMsgId: `away2-${room.id}` });
    await badge.waitFor();
    await alice.page.reload();
    await badge.waitFor();
    assert.equal(await badge.textContent(), "1", "unread counts survive a reload");
    s.close();
  } finally {
    await alice.context.close();
  }
});

test("offline: the UI says it is reconnecting, then catches up on what it missed without duplicates", async () => {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  try {
    const room = await roomWith(alice, bob);
    await alice.page.reload();
    await bob.page.reload();
    await openRoom(alice.page, room);
    await openRoom(bob.page, room);
    await sendMessage(bob.page, "before the tunnel");
    await messageWith(alice.page, "before the tunnel").waitFor();

    await alice.context.setOffline(true);
    await alice.page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor();
    for (let i = 1; i <= 5; i++) await sendMessage(bob.page, `missed ${i}`);
    await bob.page.locator('.msg[data-status="sent"]').filter({ hasText: "missed 5" }).waitFor();
    // alice writes while offline: it waits, then goes out once
    await sendMessage(alice.page, "sent from the tunnel");
    await alice.page.locator('.msg[data-status="sending"]').filter({ hasText: "sent from the tunnel" }).waitFor();
    await alice.page.waitForTimeout(300);
    assert.equal(await messageWith(alice.page, "missed 1").count(), 0, "nothing arrives while offline");

    await alice.context.setOffline(false);
    await messageWith(alice.page, "missed 5").waitFor({ timeout: 15_000 });
    await alice.page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ state: "detached" });
    await messageWith(bob.page, "sent from the tunnel").waitFor();
    await alice.page.locator('.msg[data-status="sent"]').filter({ hasText: "sent from the tunnel" }).waitFor();
    await alice.page.waitForTimeout(500);

    for (const page of [alice.page, bob.page]) {
      const texts = await messages(page).locator(".msg-text").allTextContents();
      assert.deepEqual(texts, ["before the tunnel", "missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "sent from the tunnel"]);
      const seqs = await messages(page).evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
      assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7]);
    }
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});
