// Conversations in the browser: editing, reactions, replies and threads
// between two people, catching up on changes missed while offline, and
// axe checks on a room with reactions and replies and on the thread panel.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { call, connect, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, messageWith, pairInRoom, sendMessage, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

test("I edit my message from its tools or with Up; the other person sees the new text, marked edited", async () => {
  const { alice, bob, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("conv"), topic: "conversations" });
  try {
    await sendMessage(alice.page, "the meeting is at 3");
    await messageWith(bob.page, "the meeting is at 3").waitFor();
    assert.equal(await messageWith(bob.page, "the meeting is at 3").getByRole("button", { name: "Edit message" }).count(), 0, "not bob's to edit");

    const mine = messageWith(alice.page, "the meeting is at 3");
    await mine.hover();
    await mine.getByRole("button", { name: "Edit message" }).click();
    const editor = alice.page.getByRole("textbox", { name: "Edit message" });
    await editor.fill("the meeting is at 4");
    await editor.press("Escape");
    await messageWith(alice.page, "the meeting is at 3").waitFor();
    assert.equal(await alice.page.locator(".msg-edited").count(), 0, "Escape changes nothing");

    // Up in the empty composer edits my last message; Enter saves
    await alice.page.getByRole("textbox", { name: "Message" }).press("ArrowUp");
    await editor.fill("the meeting is at 4");
    await editor.press("Enter");
    for (const page of [alice.page, bob.page]) {
      const edited = messageWith(page, "the meeting is at 4");
      await edited.locator(".msg-edited", { hasText: "(edited)" }).waitFor();
      assert.match(await edited.locator(".msg-edited").getAttribute("title"), /^Edited /);
      assert.equal(await messageWith(page, "the meeting is at 3").count(), 0);
    }
    assert.equal(await alice.page.evaluate(() => document.activeElement?.id), "composer", "focus goes back to the message box");
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("edits, reactions and deletes made while I was offline show after I reconnect", async () => {
  const { alice, bob, room, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("conv"), topic: "conversations" });
  try {
    await sendMessage(alice.page, "draft one");
    await sendMessage(alice.page, "draft two");
    await messageWith(bob.page, "draft two").waitFor();
    await bob.context.setOffline(true);
    await bob.page.locator(".conn-banner").waitFor();
    const s = await connect(ctx.base, alice.token);
    try {
      const { messages: held } = await call(s, "history", { room: room.id });
      const one = held.find((m) => m.text === "draft one");
      const two = held.find((m) => m.text === "draft two");
      await call(s, "message:edit", { room: room.id, id: one.id, text: "final one" });
      await call(s, "reaction:add", { room: room.id, id: one.id, emoji: "🎉" });
      await call(s, "message:delete", { room: room.id, id: two.id });
    } finally {
      s.close();
    }
    await bob.context.setOffline(false);
    const one = messageWith(bob.page, "final one");
    await one.locator(".msg-edited").waitFor();
    await one.getByRole("button", { name: "🎉 1" }).waitFor();
    await messageWith(bob.page, "This message was deleted.").waitFor();
    assert.equal(await messageWith(bob.page, "draft").count(), 0);
  } finally {
    await close();
  }
});

test("reactions: the other person sees the count, a click on a chip toggles mine, and a :shortcode: shows as text", async () => {
  const { alice, bob, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("conv"), topic: "conversations" });
  try {
    await sendMessage(alice.page, "ship it?");
    const atBob = messageWith(bob.page, "ship it?");
    await atBob.waitFor();
    await atBob.hover();
    await atBob.getByRole("button", { name: "Add reaction" }).click();
    // the picker opens with focus on its first emoji; keyboard only from here
    await bob.page.getByRole("button", { name: "React 👍" }).waitFor();
    assert.equal(await bob.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "React 👍");
    await bob.page.keyboard.press("Enter");
    const bobChip = atBob.getByRole("button", { name: "👍 1" });
    await bobChip.waitFor();
    assert.equal(await bobChip.getAttribute("aria-pressed"), "true");
    assert.equal(await bobChip.getAttribute("title"), `👍 by ${bob.username}`);

    const atAlice = messageWith(alice.page, "ship it?");
    const aliceChip = atAlice.getByRole("button", { name: "👍 1" });
    await aliceChip.waitFor();
    assert.equal(await aliceChip.getAttribute("aria-pressed"), "false", "bob's reaction is not alice's");
    await aliceChip.click();
    const both = atAlice.getByRole("button", { name: "👍 2" });
    await both.waitFor();
    assert.equal(await both.getAttribute("aria-pressed"), "true");
    // bob's copy came through message:updated: still his, now two
    const bobBoth = atBob.getByRole("button", { name: "👍 2" });
    await bobBoth.waitFor();
    assert.equal(await bobBoth.getAttribute("aria-pressed"), "true");

    // bob takes his back
    await bobBoth.click();
    const one = atBob.getByRole("button", { name: "👍 1" });
    await one.waitFor();
    assert.equal(await one.getAttribute("aria-pressed"), "false");
    await atAlice.getByRole("button", { name: "👍 1" }).waitFor();
    assert.equal(await atAlice.getByRole("button", { name: "👍 1" }).getAttribute("aria-pressed"), "true");

    // a shortcode through the picker's text box
    await atAlice.hover();
    await atAlice.getByRole("button", { name: "Add reaction" }).click();
    await alice.page.getByRole("textbox", { name: "Or a :shortcode:" }).fill("shipit");
    await alice.page.getByRole("textbox", { name: "Or a :shortcode:" }).press("Enter");
    await atBob.getByRole("button", { name: ":shipit: 1" }).waitFor();
    assert.equal(await atBob.locator('[data-emoji=":shipit:"] .reaction-emoji').textContent(), ":shipit:");
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("replies: Reply quotes the message above the box, the reply shows the quote, a click on it scrolls back to the original", async () => {
  const { alice, bob, room, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("conv"), topic: "conversations" });
  try {
    await sendMessage(alice.page, "who reviews the release notes?");
    const original = messageWith(bob.page, "who reviews the release notes?");
    await original.waitFor();
    await original.hover();
    await original.getByRole("button", { name: "Reply" }).click();
    const bar = bob.page.locator(".reply-bar");
    await bar.getByText(`Replying to ${alice.username}`).waitFor();
    // Escape cancels, Reply again, then send
    await bob.page.getByRole("textbox", { name: "Message" }).press("Escape");
    await bar.waitFor({ state: "detached" });
    await original.hover();
    await original.getByRole("button", { name: "Reply" }).click();
    assert.equal(await bob.page.evaluate(() => document.activeElement?.id), "composer");
    await sendMessage(bob.page, "I will");
    await bar.waitFor({ state: "detached" });

    const atAlice = messageWith(alice.page, "I will");
    const quote = atAlice.locator(".quote");
    await quote.waitFor();
    assert.equal((await quote.locator(".quote-author").textContent()).trim(), alice.username);
    assert.equal((await quote.locator(".quote-text").textContent()).trim(), "who reviews the release notes?");

    // the original scrolls out of alice's log (and out of what is loaded: she reloads)
    const s = await connect(ctx.base, bob.token);
    try {
      for (let i = 0; i < 70; i++) await call(s, "message:send", { room: room.id, text: `filler ${i}`, clientMsgId: uniqueName("f") });
      const { messages: held } = await call(s, "history", { room: room.id, limit: 100 });
      const answered = held.find((m) => m.text === "I will");
      await call(s, "message:send", { room: room.id, text: "as I said above", clientMsgId: uniqueName("r"), replyTo: answered.id });
    } finally {
      s.close();
    }
    await alice.page.reload();
    await alice.page.getByRole("heading", { level: 1, name: room.name }).waitFor();
    const latest = messageWith(alice.page, "as I said above");
    await latest.waitFor();
    assert.equal(await messageWith(alice.page, "who reviews the release notes?").count(), 0, "the original is not loaded");
    await latest.locator(".quote").click();
    const target = messageWith(alice.page, /^I will$/);
    await target.and(alice.page.locator(".msg-highlight")).waitFor();
    assert.ok(await target.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const view = el.closest(".messages").getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    }), "the original is scrolled into view");
    assert.equal(await alice.page.evaluate(() => document.activeElement?.classList.contains("msg-highlight")), true, "focus moves to it");
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("threads: the panel lists the root and its replies, sends replies of its own, and passes axe with reactions and replies on screen", async () => {
  const { alice, bob, close } = await pairInRoom(chrome.browser, ctx.base, { name: uniqueName("conv"), topic: "conversations" });
  try {
    await sendMessage(alice.page, "plan for Friday");
    const root = messageWith(bob.page, "plan for Friday");
    await root.waitFor();
    await root.hover();
    await root.getByRole("button", { name: "Reply" }).click();
    await sendMessage(bob.page, "I bring snacks");
    await root.hover();
    await root.getByRole("button", { name: "Add reaction" }).click();
    await bob.page.getByRole("button", { name: "React 🎉" }).click();

    const atAlice = messageWith(alice.page, "plan for Friday");
    await atAlice.getByRole("button", { name: "🎉 1" }).waitFor();
    await messageWith(alice.page, "I bring snacks").locator(".quote").waitFor();
    await checkAccessible(alice.page, "a room with reactions and a reply");

    await atAlice.getByRole("button", { name: "1 reply" }).click();
    const panel = alice.page.getByRole("complementary", { name: "Thread" });
    await panel.waitFor();
    await panel.locator(".thread-root .msg-text", { hasText: "plan for Friday" }).waitFor();
    await panel.locator(".thread-replies .msg-text", { hasText: "I bring snacks" }).waitFor();

    // alice answers in the thread: bob sees it in the room, quoting the root
    await sendMessage(alice.page, "and I the music", "Reply in thread");
    await panel.locator(".thread-replies .msg-text", { hasText: "and I the music" }).waitFor();
    const atBob = messageWith(bob.page, "and I the music");
    await atBob.locator(".quote-text", { hasText: "plan for Friday" }).waitFor();
    await atAlice.getByRole("button", { name: "2 replies" }).waitFor();

    // bob's new reply arrives live in alice's open panel
    await sendMessage(bob.page, "count me in");
    await panel.locator(".thread-replies .msg-text", { hasText: "count me in" }).count().then((n) => assert.equal(n, 0, "not a reply"));
    await bob.page.getByRole("button", { name: "2 replies" }).click();
    await sendMessage(bob.page, "see you there", "Reply in thread");
    await panel.locator(".thread-replies .msg-text", { hasText: "see you there" }).waitFor();
    await checkAccessible(alice.page, "the open thread panel");

    await alice.page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.deepEqual([...alice.page.errors, ...bob.page.errors], []);
  } finally {
    await close();
  }
});

test("threads on a phone: the panel covers the room and passes axe", async () => {
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"), { viewport: { width: 390, height: 844 } });
  try {
    await sendMessage(alice.page, "phone root");
    const root = messageWith(alice.page, "phone root");
    await root.waitFor();
    await root.locator(".msg-text").click(); // a tap shows the tools
    await root.getByRole("button", { name: "View thread" }).click();
    const panel = alice.page.getByRole("complementary", { name: "Thread" });
    await panel.waitFor();
    const box = await panel.boundingBox();
    assert.deepEqual([box.x, box.width], [0, 390], "the panel covers the room");
    await alice.page.locator(".thread-count", { hasText: "No replies yet." }).waitFor();
    await checkAccessible(alice.page, "the thread panel on a phone");
    await panel.getByRole("button", { name: "Close thread" }).click();
    await panel.waitFor({ state: "detached" });
  } finally {
    await alice.context.close();
  }
});
