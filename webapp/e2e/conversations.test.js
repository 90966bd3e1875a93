// Conversations in the browser: editing, reactions, replies and threads
// between two people, catching up on changes missed while offline, and
// axe checks on a room with reactions and replies and on the thread panel.
import { after, before } from "node:test";
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { call, connect, createRoom, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, launch, messages, sendMessage, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Two people in a new room, each with the app open on it. */
async function pair() {
  const alice = await signedIn(browser, ctx.base, uniqueName("alice"));
  const bob = await signedIn(browser, ctx.base, uniqueName("bob"));
  const room = await createRoom(ctx.base, alice.token, { name: uniqueName("conv"), topic: "conversations" });
  const s = await connect(ctx.base, bob.token);
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

function messageWith(page, text) {
  return messages(page).filter({ hasText: text });
}

test("I edit my message from its tools or with Up; the other person sees the new text, marked edited", async () => {
  const { alice, bob, close } = await pair();
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
  const { alice, bob, room, close } = await pair();
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
  const { alice, bob, close } = await pair();
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
