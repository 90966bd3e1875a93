// Regenerates docs/screenshots/*.png from a real server and browser:
//   make screenshots   (or: PARLEY_BIN=../bin/parley node e2e/screenshots.js)
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { call, connect, createRoom, register, startServer } from "../../e2e/lib/server.js";
import { launch, messages, newPage, openAs, sendMessage } from "./browser.js";
import { startModel } from "../../e2e/lib/model.js";

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots");
mkdirSync(OUT, { recursive: true });

// the assistant answers from a stand-in model, so the shot shows a streamed, Markdown reply
const model = await startModel({
  chunks: [
    "Sure! **Release 0.9** in short:\n\n",
    "- Reconnecting clients catch up through `sync`, without duplicates\n",
    "- Group commit: one fsync acknowledges a whole batch\n",
    "- A new web UI, light and dark\n\n",
    "Full notes: [changelog](https://example.com/parley/releases/0.9)",
  ],
  gapMs: 30,
});
const server = await startServer({
  env: { PARLEY_SEND_RATE: 100, PARLEY_SEND_BURST: 100, PARLEY_LLM_BASE_URL: model.baseURL, PARLEY_LLM_API_KEY: "x", PARLEY_LLM_MODEL: "demo" },
});
const browser = await launch();
try {
  const base = server.base;
  const people = {};
  for (const [username, displayName] of [["bob", "Bob Li"], ["carol", "Carol Díaz"], ["dave", "Dave Okafor"]]) {
    people[username] = await register(base, username, undefined, displayName);
  }
  const sockets = {};
  for (const [name, p] of Object.entries(people)) sockets[name] = await connect(base, p.token);
  const say = (who, room, text) => call(sockets[who], "message:send", { room, text, clientMsgId: `shot-${who}-${Math.random()}` });

  const design = await createRoom(base, people.carol.token, { name: "design", topic: "Mockups, reviews and the style guide" });
  await createRoom(base, people.dave.token, { name: "release-train", topic: "Ship it on Thursdays" });
  await call(sockets.bob, "room:join", { room: design.id });

  const staging = (await say("bob", "general", "Morning all! The new build is on stagign.")).message;
  await call(sockets.bob, "message:edit", { room: "general", id: staging.id, text: "Morning all! The new build is on staging." });
  const question = (await say("carol", "general", "Nice. Does it include the reconnect fix?")).message;
  const answer = (await call(sockets.bob, "message:send", {
    room: "general", text: "Yes: clients call sync with their cursors, so nothing is lost while you're offline.",
    clientMsgId: "shot-answer", replyTo: question.id,
  })).message;
  await say("dave", "general", "I'll run the load test this afternoon.");
  for (const [who, id, emoji] of [["carol", staging.id, "🎉"], ["dave", staging.id, "🎉"], ["carol", answer.id, "👍"], ["dave", answer.id, ":shipit:"]]) {
    await call(sockets[who], "reaction:add", { room: "general", id, emoji });
  }

  const me = await register(base, "alice", undefined, "Alice Chen");
  const viewer = (opts) => openAs(browser, base, me, opts);

  // desktop: Alice in #general with a DM and unread rooms
  const alice = await viewer({ viewport: { width: 1280, height: 800 } });
  await call(sockets.carol, "room:invite", { room: design.id, user: alice.username }).catch(() => undefined);
  await call(sockets.carol, "dm:open", { user: alice.username }).then((ack) => say("carol", ack.room.id, "Got a minute to look at the mockups?"));
  await say("carol", design.id, "New icons are in Figma.");
  await say("dave", "general", `@${alice.username} can you review the release notes before 3pm?`);
  await messages(alice.page).filter({ hasText: "release notes" }).waitFor();
  await sendMessage(alice.page, "On it! @assistant summarize the changelog for me");
  await alice.page.locator('.msg[data-status="sent"][data-sender-kind="bot"]').filter({ hasText: "Release 0.9" }).waitFor({ timeout: 20_000 });
  await sockets.bob.emitWithAck("typing", { room: "general", typing: true });
  await alice.page.getByText(/is typing/).waitFor();
  await alice.page.screenshot({ path: path.join(OUT, "chat-desktop.png") });

  // the thread of Carol's question, opened beside the room
  const asked = messages(alice.page).filter({ hasText: "reconnect fix" }).first();
  await asked.hover();
  await asked.getByRole("button", { name: "View thread" }).click();
  await alice.page.locator(".thread-panel").getByText("nothing is lost").waitFor();
  await alice.page.screenshot({ path: path.join(OUT, "thread-desktop.png") });
  await alice.page.keyboard.press("Escape");

  // dark theme, same scene
  const dark = await viewer({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  await messages(dark.page).filter({ hasText: "Release 0.9" }).waitFor();
  await dark.page.screenshot({ path: path.join(OUT, "chat-desktop-dark.png") });

  // phone
  const phone = await viewer({ viewport: { width: 390, height: 844 } });
  await messages(phone.page).filter({ hasText: "Release 0.9" }).waitFor();
  await sendMessage(phone.page, "Looks great on my phone too.");
  await phone.page.locator('.msg[data-status="sent"]').filter({ hasText: "phone" }).waitFor();
  await phone.page.screenshot({ path: path.join(OUT, "chat-phone.png") });
  await phone.page.getByRole("button", { name: "Menu" }).click();
  await phone.page.waitForTimeout(300);
  await phone.page.screenshot({ path: path.join(OUT, "rooms-phone.png") });

  // files: a pasted screenshot and a PDF in #general
  await alice.page.bringToFront();
  await alice.page.locator("#composer").focus();
  await alice.page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 960;
    canvas.height = 540;
    const g = canvas.getContext("2d");
    const sky = g.createLinearGradient(0, 0, 960, 540);
    sky.addColorStop(0, "#6366f1");
    sky.addColorStop(1, "#22d3ee");
    g.fillStyle = sky;
    g.fillRect(0, 0, 960, 540);
    g.fillStyle = "rgba(255,255,255,0.92)";
    g.fillRect(80, 90, 800, 360);
    g.fillStyle = "#1d2030";
    g.font = "bold 44px sans-serif";
    g.fillText("Release 0.9 dashboard", 120, 170);
    g.fillStyle = "#4f46e5";
    for (let i = 0; i < 8; i++) g.fillRect(130 + i * 90, 400 - (i * 37) % 170 - 60, 56, (i * 37) % 170 + 60);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
    const data = new DataTransfer();
    data.items.add(new File([blob], "image.png", { type: "image/png" }));
    document.getElementById("composer").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await alice.page.getByTestId("attach-input").setInputFiles({ name: "release-notes-0.9.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n" + "0".repeat(180_000)) });
  await alice.page.locator('.upload-chip[data-status="done"]').nth(1).waitFor();
  await alice.page.getByRole("textbox", { name: "Message" }).fill("Dashboard for the release, and the notes");
  await alice.page.screenshot({ path: path.join(OUT, "upload-desktop.png") });
  await alice.page.getByRole("textbox", { name: "Message" }).press("Enter");
  const shot = messages(alice.page).last().locator(".attachments img");
  await shot.waitFor();
  await alice.page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await shot.elementHandle());
  await alice.page.screenshot({ path: path.join(OUT, "files-desktop.png") });

  // search: Ctrl+K, the terms marked
  await alice.page.keyboard.press("Control+k");
  await alice.page.getByRole("combobox", { name: "Search messages" }).fill("release notes");
  await alice.page.locator(".search-result").nth(1).waitFor();
  await alice.page.screenshot({ path: path.join(OUT, "search-desktop.png") });
  await alice.page.keyboard.press("Escape");

  // sign-up screen
  const { context, page } = await newPage(browser, base, { viewport: { width: 1280, height: 800 } });
  await page.goto("/");
  await page.getByRole("tab", { name: "Sign up" }).click();
  await page.screenshot({ path: path.join(OUT, "signup-desktop.png") });
  await context.close();

  for (const s of Object.values(sockets)) s.close();
  process.stdout.write(`screenshots written to ${OUT}\n`);
} finally {
  await browser.close();
  await server.stop();
  await model.close();
}
