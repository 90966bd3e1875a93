// A server administrator in a real browser: promoted with `parley user
// promote` on the running server's store, they see a private room they are
// not in (marked private) in the room browser, join it, delete a member's
// message and remove that member; the room's owner sees both happen. A
// person who is not an administrator never sees the private room.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { api, call, connect, createRoom, nextEvent, parleyBinary, register, uniqueName } from "../../e2e/lib/server.js";
import { messageWith, openAs, sharedBrowser, signedIn } from "./browser.js";

const run = promisify(execFile);
const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

async function parleyUser(...args) {
  const bin = await parleyBinary();
  return run(bin, ["user", ...args], { env: { ...process.env, PARLEY_DATA_DIR: ctx.server.dataDir } });
}

test("a server administrator finds a private room in the browser, joins it, deletes a message and removes its sender", async () => {
  const owner = await register(ctx.base, uniqueName("owner"));
  const spammer = await register(ctx.base, uniqueName("spammer"));
  const room = await createRoom(ctx.base, owner.token, { name: uniqueName("hideout"), topic: "invite only", private: true });
  const ownerSocket = await connect(ctx.base, owner.token);
  const spammerSocket = await connect(ctx.base, spammer.token);
  assert.deepEqual(await call(ownerSocket, "room:invite", { room: room.id, user: spammer.user.username }), { ok: true });
  const sent = await call(spammerSocket, "message:send", { room: room.id, text: "buy cheap watches here", clientMsgId: "spam-1" });
  assert.equal(sent.ok, true, JSON.stringify(sent));

  // Someone who is not an administrator: the private room is not offered.
  const bystander = await signedIn(chrome.browser, ctx.base, uniqueName("bystander"));
  let admin;
  try {
    await bystander.page.getByRole("button", { name: "Browse rooms" }).click();
    const theirs = bystander.page.getByRole("dialog", { name: "Browse rooms" });
    await theirs.locator("li", { hasText: "general" }).first().waitFor();
    assert.equal(await theirs.locator("li", { hasText: room.name }).count(), 0, "a private room is not shown to a non-administrator");

    const account = await register(ctx.base, uniqueName("admin"));
    const { stdout } = await parleyUser("promote", account.user.username);
    assert.equal(stdout, `${account.user.username} is now a server administrator\n`);
    const login = await api(ctx.base, "POST", "/api/auth/login", { json: { username: account.user.username, password: account.password } });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.user.admin, true, "the login answer says the account is an administrator");
    admin = await openAs(chrome.browser, ctx.base, login.body);

    const page = admin.page;
    await page.getByRole("button", { name: "Browse rooms" }).click();
    const dialog = page.getByRole("dialog", { name: "Browse rooms" });
    const entry = dialog.locator("li", { hasText: room.name });
    await entry.getByText("private").waitFor();
    await entry.getByRole("button", { name: "Join" }).click();
    await page.getByRole("heading", { level: 1, name: room.name }).waitFor();

    // Delete the spam, which is not the administrator's own message.
    const deleted = nextEvent(ownerSocket, "message:deleted", (e) => e.room === room.id && e.id === sent.message.id);
    const spam = messageWith(page, "buy cheap watches here");
    await spam.hover();
    await spam.getByRole("button", { name: "Delete message" }).click();
    await spam.getByRole("button", { name: "Delete?" }).click();
    await deleted;
    await messageWith(page, "This message was deleted.").waitFor();

    // Remove the spammer from the room: both the owner and the spammer learn it.
    const kicked = nextEvent(spammerSocket, "room:member", (e) => e.room === room.id && e.action === "kicked" && e.user.username === spammer.user.username);
    const members = page.getByRole("complementary", { name: "Members" });
    await members.getByRole("button", { name: `Remove ${spammer.user.username} from the room` }).click();
    await kicked;
    await members.locator(`[data-member="${spammer.user.username}"]`).waitFor({ state: "detached" });
    const history = await api(ctx.base, "GET", `/api/rooms/${room.id}/messages`, { token: spammer.token });
    assert.equal(history.status, 404, `the removed member can no longer read the private room: ${history.status} ${history.text}`);
  } finally {
    await bystander.context.close();
    await admin?.context.close();
  }
});
