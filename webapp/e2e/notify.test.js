// Browser notifications in Chromium with a stand-in Notification (it
// records what the page shows and what it asks for, and its permission is
// the test's to give) and a page visibility the test controls: no
// permission is asked for before the person clicks "Enable notifications";
// after that, a mention in a hidden tab notifies with the room and the
// sender, a room set to "Nothing" does not, and unread mentions get their
// own badge in the sidebar.
import { test, sharedServer, assert } from "../../e2e/lib/fixture.js";
import { api, call, cid, connect, createRoom, register, uniqueName, waitFor, sleep } from "../../e2e/lib/server.js";
import { checkAccessible, messages, newPage, sharedBrowser } from "./browser.js";

const ctx = sharedServer({ env: { PARLEY_SEND_RATE: 500, PARLEY_SEND_BURST: 500 } });
const chrome = sharedBrowser();

/** Runs in the page before the app: the stand-in Notification and visibility. */
function stubBrowser() {
  let permission = "default";
  window.__notifications = [];
  window.__permissionRequests = 0;
  window.Notification = class {
    constructor(title, options = {}) {
      window.__notifications.push({ title, body: options.body, tag: options.tag });
    }
    static get permission() {
      return permission;
    }
    static requestPermission() {
      window.__permissionRequests++;
      permission = "granted";
      return Promise.resolve(permission);
    }
    close() {}
  };
  let visibility = "visible";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => visibility === "hidden" });
  window.__setVisibility = (v) => {
    visibility = v;
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

async function openStubbed(session) {
  const { context, page } = await newPage(chrome.browser, ctx.base);
  await context.addInitScript(stubBrowser);
  await context.addInitScript((s) => {
    if (!localStorage.getItem("parley.session")) localStorage.setItem("parley.session", s);
  }, JSON.stringify(session));
  await page.goto("/");
  await page.locator("#composer").waitFor();
  return { context, page };
}

const shown = (page) => page.evaluate(() => window.__notifications);
const requests = (page) => page.evaluate(() => window.__permissionRequests);
const hide = (page) => page.evaluate(() => window.__setVisibility("hidden"));
const show = (page) => page.evaluate(() => window.__setVisibility("visible"));

async function say(socket, room, text) {
  const ack = await call(socket, "message:send", { room, text, clientMsgId: cid() });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return ack.message;
}

async function levelOnServer(token, room) {
  const res = await api(ctx.base, "GET", "/api/rooms", { token });
  return res.body.rooms.find((r) => r.id === room)?.notify;
}

test("notifications: asked for only on a click; a mention in a hidden tab notifies; level Nothing does not; unread mentions have a badge", async () => {
  const aliceName = uniqueName("alice");
  const alice = await register(ctx.base, aliceName, undefined, "Alice A");
  const bob = await register(ctx.base, uniqueName("bob"), undefined, "Bob B");
  const bobSocket = await connect(ctx.base, bob.token);
  const { context, page } = await openStubbed(alice);
  try {
    await page.getByRole("heading", { level: 1, name: "general" }).waitFor();
    const enable = page.getByRole("button", { name: "Enable notifications" });
    await enable.waitFor();
    const level = page.getByRole("combobox", { name: "Notifications" });
    assert.equal(await level.inputValue(), "mentions", "a group room's default level");
    await checkAccessible(page, "room with the notification controls");

    // Before the click: nothing is asked for, and nothing is shown.
    await hide(page);
    await say(bobSocket, "general", `@${aliceName} before you enabled them`);
    await messages(page).filter({ hasText: "before you enabled them" }).waitFor();
    await sleep(200);
    assert.equal(await requests(page), 0, "permission was asked for without a gesture");
    assert.deepEqual(await shown(page), []);
    await show(page);

    // The click (from the keyboard) asks once, and the button goes.
    await enable.focus();
    await page.keyboard.press("Enter");
    await enable.waitFor({ state: "detached" });
    assert.equal(await requests(page), 1);

    // A mention while hidden notifies, with the room and the sender; a
    // message that does not mention Alice does not (level mentions).
    await hide(page);
    await say(bobSocket, "general", "just chatting");
    const m = await say(bobSocket, "general", `@${aliceName} are you there?`);
    await waitFor(async () => (await shown(page)).length > 0, { what: "a notification" });
    await sleep(200);
    assert.deepEqual(await shown(page), [{ title: "Bob B in #general", body: `@${aliceName} are you there?`, tag: m.id }]);

    // While the tab is visible, nothing.
    await show(page);
    await say(bobSocket, "general", `@${aliceName} visible now`);
    await messages(page).filter({ hasText: "visible now" }).waitFor();

    // Level "Nothing" from the room header: kept on the server, and a
    // mention in a hidden tab stays quiet.
    await level.selectOption("none");
    await waitFor(async () => (await levelOnServer(alice.token, "general")) === "none", { what: "level none on the server" });
    await hide(page);
    await say(bobSocket, "general", `@${aliceName} muted room`);
    await messages(page).filter({ hasText: "muted room" }).waitFor();
    await sleep(300);
    assert.equal((await shown(page)).length, 1, "a room set to Nothing notified");
    await show(page);

    // After a reload the level comes back from the server.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "general" }).waitFor();
    assert.equal(await page.getByRole("combobox", { name: "Notifications" }).inputValue(), "none");

    // Unread mentions in another room: their own badge, apart from the
    // unread count. Alice is added to Bob's room; her client lists it.
    const room = await createRoom(ctx.base, bob.token, { name: uniqueName("side") });
    const aliceSocket = await connect(ctx.base, alice.token);
    assert.equal((await call(aliceSocket, "room:join", { room: room.id })).ok, true);
    aliceSocket.close();
    const link = page.locator(`.room-link[data-room="${room.id}"]`);
    await link.waitFor();
    await say(bobSocket, room.id, "hello all");
    await say(bobSocket, room.id, `@${aliceName} a question for you`);
    await say(bobSocket, room.id, "and more");
    await link.locator(".badge[data-unread='3']").waitFor();
    await link.locator(".badge-mention[data-mentions='1']").waitFor();
    assert.equal(await link.locator(".badge-mention").innerText(), "@1");
    assert.match(await link.innerText(), /1 mentions/);
    await checkAccessible(page, "sidebar with an unread mention");
    await link.click();
    await page.getByRole("heading", { level: 1, name: room.name }).waitFor();
    await page.locator(`.room-link[data-room="${room.id}"] .badge-mention`).waitFor({ state: "detached" });
    assert.deepEqual(page.errors, []);
  } finally {
    bobSocket.close();
    await context.close();
  }
});

test("a direct message notifies by default, a room not listed yet included", async () => {
  const aliceName = uniqueName("alice");
  const alice = await register(ctx.base, aliceName);
  const bob = await register(ctx.base, uniqueName("bob"), undefined, "Bob B");
  const bobSocket = await connect(ctx.base, bob.token);
  const { context, page } = await openStubbed(alice);
  try {
    await page.getByRole("button", { name: "Enable notifications" }).click();
    await hide(page);
    const dm = await call(bobSocket, "dm:open", { user: aliceName });
    assert.equal(dm.ok, true);
    const m = await say(bobSocket, dm.room.id, "a word in private");
    await waitFor(async () => (await shown(page)).length > 0, { what: "a notification of the DM" });
    assert.deepEqual(await shown(page), [{ title: "Bob B in Direct message", body: "a word in private", tag: m.id }]);
    assert.deepEqual(page.errors, []);
  } finally {
    bobSocket.close();
    await context.close();
  }
});
