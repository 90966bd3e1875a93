// A small team's first hour, end to end in Chromium: two people make a
// private room and bring each other in through the people picker, then
// reply, react, edit and delete from the UI, while a third member is
// offline; when the third comes back, one sync shows exactly what the
// other two see.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { register, uniqueName } from "../../e2e/lib/server.js";
import { messageWith, messages, openAs, sendMessage, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

/** What a person sees of the room's log: each message's text, quote, reactions and marks. */
async function logOf(page) {
  return messages(page).evaluateAll((els) =>
    els.map((el) => ({
      text: el.querySelector(".msg-text")?.textContent.trim() ?? "",
      quote: el.querySelector(".quote")?.textContent.trim() ?? "",
      reactions: [...el.querySelectorAll(".reaction")].map((r) => `${r.getAttribute("data-emoji")} ${r.querySelector(".reaction-count")?.textContent}`),
      edited: el.querySelector(".msg-edited") !== null,
      deleted: el.textContent.includes("This message was deleted."),
    })),
  );
}

async function invite(page, username) {
  const members = page.getByRole("complementary", { name: "Members" });
  await members.getByRole("button", { name: "Invite people" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite people" });
  const search = dialog.getByRole("searchbox", { name: "Search people by name" });
  await search.fill(username.slice(0, 9));
  await dialog.getByRole("button", { name: `Invite @${username}` }).click();
  await dialog.locator(`[data-person="${username}"]`).getByText("Member").waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
  await members.locator(`[data-member="${username}"]`).waitFor();
}

test("two people set up a private room and talk; the third, offline meanwhile, sees the same final state", async () => {
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"));
  const bobAccount = await register(ctx.base, uniqueName("bob"));
  const carolAccount = await register(ctx.base, uniqueName("carol"));
  let bob, carol;
  try {
    const page = alice.page;
    await page.getByRole("button", { name: "Create a room" }).click();
    const name = uniqueName("launch");
    await page.getByLabel("Room name").fill(name);
    await page.getByLabel("Private (invite only)").check();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("heading", { level: 1, name }).waitFor();
    await page.getByRole("complementary", { name: "Members" }).locator(`[data-member="${alice.username}"]`).getByText("owner").waitFor();
    await invite(page, bobAccount.user.username);
    await invite(page, carolAccount.user.username);

    bob = await openAs(chrome.browser, ctx.base, bobAccount);
    carol = await openAs(chrome.browser, ctx.base, carolAccount);
    for (const p of [bob, carol]) {
      await p.page.locator(".room-link", { hasText: name }).click();
      await p.page.getByRole("heading", { level: 1, name }).waitFor();
    }
    await sendMessage(page, "Launch checklist: docs, blog post, tweet");
    await sendMessage(page, "typo in the blog psot");
    await messageWith(carol.page, "typo in the blog psot").waitFor();

    // carol's laptop goes to sleep
    await carol.context.setOffline(true);
    await carol.page.locator(".conn-banner").waitFor();

    // bob replies to the checklist, from the UI
    const checklist = messageWith(bob.page, "Launch checklist");
    await checklist.hover();
    await checklist.getByRole("button", { name: "Reply" }).click();
    await sendMessage(bob.page, "I'll take the blog post");
    // alice reacts to the reply with the picker, and deletes her typo
    const reply = messageWith(page, "I'll take the blog post");
    await reply.waitFor();
    await reply.hover();
    await reply.getByRole("button", { name: "Add reaction" }).click();
    await page.getByRole("button", { name: "React 🎉" }).click();
    await reply.getByRole("button", { name: "🎉 1" }).waitFor();
    const typo = messageWith(page, "typo in the blog psot");
    await typo.hover();
    await typo.getByRole("button", { name: "Delete message" }).click();
    await typo.getByRole("button", { name: "Delete?" }).click();
    await messages(page).filter({ hasText: "This message was deleted." }).waitFor();
    // bob edits his reply (Up in the empty box edits his last message)
    await bob.page.getByRole("textbox", { name: "Message" }).press("ArrowUp");
    const editor = bob.page.getByRole("textbox", { name: "Edit message" });
    await editor.fill("I'll take the blog post and the tweet");
    await editor.press("Enter");
    await messageWith(page, "I'll take the blog post and the tweet").locator(".msg-edited").waitFor();
    await messageWith(bob.page, "I'll take the blog post and the tweet").getByRole("button", { name: "🎉 1" }).waitFor();

    // carol wakes up: one sync, and her log is theirs
    await carol.context.setOffline(false);
    await carol.page.locator(".conn-banner").waitFor({ state: "detached" });
    await messageWith(carol.page, "I'll take the blog post and the tweet").getByRole("button", { name: "🎉 1" }).waitFor();
    const seen = await logOf(bob.page);
    assert.deepEqual(await logOf(page), seen, "alice and bob see the same room");
    assert.deepEqual(await logOf(carol.page), seen, "carol, back online, sees what they see");
    const final = seen.filter((m) => m.text || m.deleted);
    assert.deepEqual(final.slice(-3), [
      { text: "Launch checklist: docs, blog post, tweet", quote: "", reactions: [], edited: false, deleted: false },
      { text: "This message was deleted.", quote: "", reactions: [], edited: false, deleted: true },
      {
        text: "I'll take the blog post and the tweet",
        quote: final.at(-1).quote,
        reactions: ["🎉 1"],
        edited: true,
        deleted: false,
      },
    ]);
    assert.match(final.at(-1).quote, /Launch checklist: docs, blog post, tweet/);
    assert.deepEqual([...page.errors, ...bob.page.errors, ...carol.page.errors], []);
  } finally {
    await alice.context.close();
    await bob?.context.close();
    await carol?.context.close();
  }
});
