// Room management in a real browser: the owner creates a private room,
// invites someone found through the people picker, renames it and sets its
// topic, and gives the admin role, all from the keyboard; the invitee sees
// the room, its new name and their role live. The new dialogs and the
// member list's controls pass axe.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { register, uniqueName } from "../../e2e/lib/server.js";
import { checkAccessible, openAs, sharedBrowser, signedIn } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

test("the owner invites through the picker, renames the room and sets its topic; the invitee sees it all", async () => {
  const alice = await signedIn(chrome.browser, ctx.base, uniqueName("alice"));
  const bobAccount = await register(ctx.base, uniqueName("bobby"), undefined, "Bobby Tables");
  let bob;
  try {
    const page = alice.page;
    // create a private room
    await page.getByRole("button", { name: "Create a room" }).click();
    const first = uniqueName("secret");
    await page.getByLabel("Room name").fill(first);
    await page.getByLabel("Private (invite only)").check();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: first }).waitFor();
    const members = page.getByRole("complementary", { name: "Members" });
    await members.locator(`[data-member="${alice.username}"]`).getByText("owner").waitFor();

    // invite bob through the people picker, from the keyboard
    await members.getByRole("button", { name: "Invite people" }).focus();
    await page.keyboard.press("Enter");
    const invite = page.getByRole("dialog", { name: "Invite people" });
    const search = invite.getByRole("searchbox", { name: "Search people by name" });
    await search.waitFor();
    assert.equal(await search.evaluate((el) => el === document.activeElement), true, "the search box has the focus");
    await page.keyboard.type(bobAccount.user.username.slice(0, 8));
    const inviteBob = invite.getByRole("button", { name: `Invite @${bobAccount.user.username}` });
    await inviteBob.waitFor();
    await inviteBob.focus();
    await page.keyboard.press("Enter");
    await invite.getByRole("status").getByText("Bobby Tables was invited.").waitFor();
    await invite.locator(`[data-person="${bobAccount.user.username}"]`).getByText("Member").waitFor();
    await checkAccessible(page, "the invite dialog");
    await page.keyboard.press("Escape");
    await invite.waitFor({ state: "detached" });
    await members.locator(`[data-member="${bobAccount.user.username}"]`).waitFor();

    // bob has the room in his list as soon as he opens the app
    bob = await openAs(chrome.browser, ctx.base, bobAccount);
    const bobLink = bob.page.locator(".room-link", { hasText: first });
    await bobLink.click();
    await bob.page.getByRole("heading", { level: 1, name: first }).waitFor();

    // rename and set the topic, from the keyboard
    await page.getByRole("button", { name: "Room settings" }).focus();
    await page.keyboard.press("Enter");
    const settings = page.getByRole("dialog", { name: "Room settings" });
    const nameBox = settings.getByRole("textbox", { name: "Room name" });
    await nameBox.waitFor();
    const renamed = uniqueName("plans");
    await nameBox.fill(renamed);
    await settings.getByRole("textbox", { name: "Topic (optional)" }).fill("Where the plans are made");
    await page.keyboard.press("Enter");
    await settings.getByRole("status").getByText("Saved.").waitFor();
    await checkAccessible(page, "the room settings dialog");
    await page.keyboard.press("Escape");
    await page.getByRole("heading", { level: 1, name: renamed }).waitFor();
    await page.locator(".room-topic", { hasText: "Where the plans are made" }).waitFor();

    // bob sees the new name and topic live, in the header and the room list
    await bob.page.getByRole("heading", { level: 1, name: renamed }).waitFor();
    await bob.page.locator(".room-topic", { hasText: "Where the plans are made" }).waitFor();
    await bob.page.locator(".room-link", { hasText: renamed }).waitFor();

    // the owner makes bob an admin; both member lists show it, and bob may now invite
    const bobRow = members.locator(`[data-member="${bobAccount.user.username}"]`);
    await bobRow.getByRole("button", { name: `Make ${bobAccount.user.username} an admin` }).click();
    await bobRow.getByText("admin").waitFor();
    const bobsList = bob.page.getByRole("complementary", { name: "Members" });
    await bobsList.locator(`[data-member="${bobAccount.user.username}"]`).getByText("admin").waitFor();
    await bobsList.getByRole("button", { name: "Invite people" }).waitFor();
    await checkAccessible(page, "the owner's member list");
    await checkAccessible(bob.page, "an admin's member list");

    // bob leaves: the room goes from his list, and from alice's member list
    await bob.page.getByRole("button", { name: "Room settings" }).click();
    await bob.page.getByRole("dialog", { name: "Room settings" }).getByRole("button", { name: "Leave room" }).click();
    await bob.page.locator(".room-link", { hasText: renamed }).waitFor({ state: "detached" });
    await bobRow.waitFor({ state: "detached" });
    assert.deepEqual(page.errors, []);
    assert.deepEqual(bob.page.errors, []);
  } finally {
    await alice.context.close();
    await bob?.context.close();
  }
});
