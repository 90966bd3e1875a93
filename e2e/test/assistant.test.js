// The assistant: a bot member of every room that answers @mentions (and
// anything in a DM with it), streams a model's reply, degrades when the
// model is down, and routes to an external skill (examples/weather-service).

import { before, after } from "node:test";
import { spawn } from "node:child_process";
import path from "node:path";
import { test, assert, assertAckOk, assertAckError, assertRestError, send } from "../lib/fixture.js";
import { startServer, closeAllClients, api, register, uniqueName, connect, call, nextEvent, collect, sleep, waitFor, REPO_ROOT } from "../lib/server.js";
import { startModel } from "../lib/model.js";

const SERVICE_SECRET = "weather-e2e-secret-0123456789";
let model;
// node:test runs a file's top-level before hooks concurrently, so the model
// and the server it configures start in one hook.
const srv = { server: null, base: null };
before(async () => {
  model = await startModel({ chunks: ["Bonjour", ", je ", "suis ", "là."], gapMs: 60 });
  srv.server = await startServer({
    label: "assistant",
    env: {
      PARLEY_SERVICES: `weather:${SERVICE_SECRET}`,
      PARLEY_ASSISTANT_RATE: "100",
      PARLEY_ASSISTANT_BURST: "100",
      PARLEY_LLM_BASE_URL: `${model.url}/v1`,
      PARLEY_LLM_MODEL: "e2e-model",
    },
  });
  srv.base = srv.server.base;
});
after(async () => {
  closeAllClients();
  model?.server.close();
  if (!srv.server) return;
  const { code } = await srv.server.stop();
  assert.equal(code, 0, "parley should exit 0 after SIGTERM");
});

async function user(prefix = "u") {
  const { token, user } = await register(srv.base, uniqueName(prefix));
  const socket = await connect(srv.base, token);
  return { token, user, socket };
}

/** The bot's next message in room addressed to username (anyone's when omitted). */
function botReply(socket, room, username, timeoutMs = 10_000) {
  return nextEvent(
    socket,
    "message",
    (m) => m.room === room && m.sender.kind === "bot" && (!username || m.mentions.includes(username)),
    timeoutMs,
  );
}

test("@assistant help works with no model needed and is addressed to the asker", async () => {
  const { user: alice, socket } = await user("alice");
  const reply = botReply(socket, "general");
  await send(socket, "general", "hey @Assistant help");
  const m = await reply;
  assert.equal(m.sender.username, "assistant");
  assert.match(m.text, new RegExp(`^@${alice.username} `));
  assert.match(m.text, /learn <question> => <answer>/);
  assert.deepEqual(m.mentions, [alice.username]);
  assert.equal(model.requests.length, 0, "a built-in command must not call the model");
});

test("the assistant is a member of general and of new rooms", async () => {
  const { socket } = await user("m");
  const ack = await call(socket, "room:join", { room: "general" });
  assertAckOk(ack);
  assert.ok(ack.members.some((u) => u.username === "assistant" && u.kind === "bot"), "bot listed among general's members");
});

test("a model reply streams into the room, then arrives once as a message with the same streamId", async () => {
  const { user: alice, socket } = await user("alice");
  const { socket: bobSocket } = await user("bob");
  await send(socket, "general", "context line: we are planning a trip to Lyon");
  const deltas = collect(bobSocket, "message:stream", (e) => e.room === "general");
  const finals = collect(bobSocket, "message", (m) => m.sender.kind === "bot" && m.room === "general");
  const before = model.requests.length;
  await send(socket, "general", "@assistant say hello in French");
  await waitFor(() => finals.length === 1, { timeoutMs: 10_000, what: "the final reply" });
  const final = finals[0];
  assert.ok(final.streamId, "final message carries streamId");
  assert.equal(final.text, `@${alice.username} Bonjour, je suis là.`);
  const mine = deltas.filter((e) => e.streamId === final.streamId);
  assert.ok(mine.length >= 2, `want several deltas, got ${JSON.stringify(mine)}`);
  assert.equal(mine.map((e) => e.delta).join(""), "Bonjour, je suis là.");
  assert.ok(mine.at(-1).done && mine.slice(0, -1).every((e) => !e.done), "only the last delta is done");
  await sleep(200);
  assert.equal(finals.length, 1, "exactly one final message");

  const sent = model.requests.at(-1);
  assert.equal(model.requests.length, before + 1);
  assert.equal(sent.model, "e2e-model");
  assert.equal(sent.stream, true);
  assert.equal(sent.messages[0].role, "system");
  const convo = sent.messages.slice(1).map((m) => m.content).join("\n");
  assert.match(convo, /context line: we are planning a trip to Lyon/, "room memory is sent");
  assert.ok(!sent.messages[0].content.includes("French"), "user text never enters the system prompt");
});

test("with the model down the asker gets a degraded reply within seconds", async () => {
  const { socket } = await user("carol");
  model.status = 503;
  try {
    const started = Date.now();
    const reply = botReply(socket, "general", undefined, 5000);
    await send(socket, "general", "@assistant what is the meaning of life?");
    const m = await reply;
    assert.match(m.text, /language model is unavailable/);
    assert.ok(Date.now() - started < 5000);
  } finally {
    model.status = 200;
  }
});

test("in a DM with the assistant no mention is needed; messages without a mention get no reply", async () => {
  const { user: dave, socket } = await user("dave");
  const bots = collect(socket, "message", (m) => m.sender.kind === "bot");
  await send(socket, "general", "just chatting, not asking anyone");
  const dm = await call(socket, "dm:open", { user: "assistant" });
  assertAckOk(dm);
  const reply = botReply(socket, dm.room.id);
  await send(socket, dm.room.id, "time");
  const m = await reply;
  assert.match(m.text, new RegExp(`^@${dave.username} It is \\d\\d:\\d\\d`));
  // One worker answers one user's messages in a room in order: once the
  // mention after it is answered, the message without one was passed over.
  const inGeneral = botReply(socket, "general", dave.username);
  await send(socket, "general", "@assistant time");
  await inGeneral;
  assert.equal(bots.filter((b) => b.room === "general").length, 1, "no reply to a message without a mention");
});

test("learn, confirm with a bare yes, and recall from another user", async () => {
  const { socket: a } = await user("teacher");
  const { user: student, socket: b } = await user("student");
  let reply = botReply(a, "general");
  await send(a, "general", "@assistant learn Where is the coffee? => second floor, by the window");
  assert.match((await reply).text, /\(yes\/no\)$/);
  reply = botReply(a, "general");
  await send(a, "general", "yes");
  assert.match((await reply).text, /Learned/);
  reply = botReply(b, "general", student.username);
  await send(b, "general", "@assistant where is the COFFEE");
  assert.match((await reply).text, /second floor, by the window$/);
});

test("an external skill over Socket.IO: the weather service asks for the city and answers", async (t) => {
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, "examples/weather-service/index.js")], {
    env: { ...process.env, PARLEY_URL: srv.base, PARLEY_APP_ID: "weather", PARLEY_APP_SECRET: SERVICE_SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => proc.kill("SIGTERM"));
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  await waitFor(() => out.includes("registered skill weather"), { timeoutMs: 10_000, what: `the service to register (${out})` });

  const { socket } = await user("traveller");
  let reply = botReply(socket, "general");
  await send(socket, "general", "@assistant weather");
  assert.match((await reply).text, /Which city\?$/);
  reply = botReply(socket, "general");
  await send(socket, "general", "Paris");
  assert.match((await reply).text, /Paris: [a-z ]+, -?\d+°C \(demo data\)$/);
  reply = botReply(socket, "general");
  await send(socket, "general", "@assistant 天气 北京");
  assert.match((await reply).text, /北京：.+°C（演示数据）$/);
  assert.equal(model.requests.filter((r) => JSON.stringify(r).includes("Paris")).length, 0, "skill requests never reach the model");
});

test("service tokens need a configured app id and its secret; only services offer skills", async () => {
  const ok = await api(srv.base, "POST", "/api/services/token", { json: { appId: "weather", secret: SERVICE_SECRET } });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.body.token && ok.body.ttl === 3600 && ok.body.expires > Date.now());
  assertRestError(
    await api(srv.base, "POST", "/api/services/token", { json: { appId: "weather", secret: "wrong-secret-0123456789" } }),
    401, "UNAUTHORIZED", "wrong secret",
  );
  assertRestError(
    await api(srv.base, "POST", "/api/services/token", { json: { appId: "nobody", secret: SERVICE_SECRET } }),
    401, "UNAUTHORIZED", "unknown app id",
  );
  assertRestError(await api(srv.base, "POST", "/api/services/token", { json: { appId: "weather" } }), 400, "BAD_REQUEST");

  const { socket } = await user("human");
  assertAckError(await call(socket, "skill:register", { name: "weather" }), "FORBIDDEN", "a person offering a skill");
  const svc = await connect(srv.base, ok.body.token);
  assertAckError(await call(svc, "skill:register", { name: "help" }), "BAD_REQUEST", "a skill shadowing a command");
});
