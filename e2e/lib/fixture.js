// node:test glue: a `test` that prints the servers' output when it fails, a
// per-file shared server, and assertions for Parley's wire shapes.

import nodeTest, { before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  serverLogsSince,
  closeAllClients,
  call,
  cid,
} from "./server.js";

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Like node:test's test(name, [options], fn) but a failure also reports the
 * output of every parley server alive during the test.
 */
export function test(name, options, fn) {
  if (typeof options === "function") {
    fn = options;
    options = {};
  }
  return nodeTest(name, { timeout: DEFAULT_TIMEOUT_MS, ...options }, async (t) => {
    const since = performance.now();
    try {
      await fn(t);
    } catch (err) {
      const logs = serverLogsSince(since);
      if (logs) {
        process.stderr.write(`\n===== server output for failed test "${name}" =====\n${logs}\n===== end =====\n`);
      }
      throw err;
    }
  });
}

/**
 * One server for the whole file: started in before(), stopped in after() —
 * where a non-zero exit code after SIGTERM fails the file.
 * Returns an object whose .server / .base are set once started.
 */
export function sharedServer(options = {}) {
  const ctx = { server: null, base: null };
  before(async () => {
    ctx.server = await startServer(options);
    ctx.base = ctx.server.base;
  });
  after(async () => {
    closeAllClients();
    if (!ctx.server) return;
    const wasRunning = ctx.server.running;
    const { code, signal } = await ctx.server.stop();
    if (!wasRunning || code !== 0) {
      process.stderr.write(`\n===== parley output =====\n${ctx.server.output}\n===== end =====\n`);
    }
    assert.ok(wasRunning, `parley died during the tests (exit code ${code}, signal ${signal})`);
    assert.equal(code, 0, `parley should exit 0 after SIGTERM, got code ${code} signal ${signal}`);
  });
  return ctx;
}

// ---------------------------------------------------------------- shapes

export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function assertTime(value, what = "time") {
  assert.equal(typeof value, "string", `${what} should be a string, got ${JSON.stringify(value)}`);
  assert.match(value, TIME_RE, `${what} should be RFC 3339 UTC with milliseconds`);
  const skew = Math.abs(Date.parse(value) - Date.now());
  assert.ok(skew < 10 * 60_000, `${what} ${value} is far from now`);
}

export function assertUser(u, expected) {
  assert.ok(u && typeof u === "object", `user should be an object, got ${JSON.stringify(u)}`);
  assert.equal(typeof u.id, "string");
  assert.ok(u.id.length > 0, "user.id should be non-empty");
  assert.equal(typeof u.username, "string");
  assert.equal(typeof u.displayName, "string");
  assert.ok(["human", "bot", "service"].includes(u.kind), `user.kind ${u.kind}`);
  for (const k of ["password", "passwordHash", "password_hash"]) {
    assert.ok(!(k in u), `user JSON must not expose ${k}`);
  }
  if (expected) {
    for (const [k, v] of Object.entries(expected)) assert.equal(u[k], v, `user.${k}`);
  }
}

export function assertRoom(r, expected) {
  assert.ok(r && typeof r === "object", `room should be an object, got ${JSON.stringify(r)}`);
  assert.equal(typeof r.id, "string");
  assert.ok(r.id.length > 0);
  assert.equal(typeof r.name, "string");
  assert.equal(typeof r.topic, "string", "room.topic should be a string (\"\" when unset)");
  assert.ok(["group", "direct"].includes(r.kind), `room.kind ${r.kind}`);
  assert.equal(typeof r.private, "boolean");
  assertTime(r.createdAt, "room.createdAt");
  assert.ok(Number.isInteger(r.lastSeq) && r.lastSeq >= 0, `room.lastSeq ${r.lastSeq}`);
  if (expected) {
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(r[k], v, `room.${k}`);
  }
}

export function assertMessage(m, expected) {
  assert.ok(m && typeof m === "object", `message should be an object, got ${JSON.stringify(m)}`);
  assert.equal(typeof m.id, "string");
  assert.ok(m.id.length > 0);
  assert.equal(typeof m.room, "string");
  assert.ok(Number.isInteger(m.seq) && m.seq > 0, `message.seq ${m.seq}`);
  assertUser(m.sender);
  assert.equal(typeof m.text, "string");
  assert.ok(Array.isArray(m.mentions), `message.mentions should be an array, got ${JSON.stringify(m.mentions)}`);
  assert.equal(typeof m.clientMsgId, "string");
  assertTime(m.createdAt, "message.createdAt");
  if (expected) {
    for (const [k, v] of Object.entries(expected)) {
      if (k === "senderId") assert.equal(m.sender.id, v, "message.sender.id");
      else assert.deepEqual(m[k], v, `message.${k}`);
    }
  }
}

/** The ack is {ok:false, error:{code, message: non-empty string}}. */
export function assertAckError(ack, code, what = "") {
  const ctx = `${what} ack ${JSON.stringify(ack)}`;
  assert.ok(ack && typeof ack === "object", `expected an error ack, ${ctx}`);
  assert.equal(ack.ok, false, `expected ok:false, ${ctx}`);
  assert.ok(ack.error && typeof ack.error === "object", `expected error object, ${ctx}`);
  assert.equal(ack.error.code, code, `expected error code ${code}, ${ctx}`);
  assert.equal(typeof ack.error.message, "string", `error.message should be a string, ${ctx}`);
  assert.ok(ack.error.message.length > 0, `error.message should be non-empty, ${ctx}`);
}

export function assertAckOk(ack, what = "") {
  assert.ok(ack && ack.ok === true, `expected {ok:true}, ${what} ack ${JSON.stringify(ack)}`);
  return ack;
}

/** REST error: status and {error:{code, message}}. */
export function assertRestError(res, status, code, what = "") {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `expected HTTP ${status}, ${ctx}`);
  assert.ok(res.body && typeof res.body === "object" && res.body.error, `expected {error:{...}} JSON body, ${ctx}`);
  assert.equal(res.body.error.code, code, `expected code ${code}, ${ctx}`);
  assert.equal(typeof res.body.error.message, "string", ctx);
  assert.ok(res.body.error.message.length > 0, `error.message should be non-empty, ${ctx}`);
  // The request's id, the same as the X-Request-Id header (docs/protocol.md §3.1).
  assert.match(res.body.requestId ?? "", /^[A-Za-z0-9._-]{1,64}$/, `expected a requestId, ${ctx}`);
  assert.equal(res.body.requestId, res.headers.get("x-request-id"), `requestId and X-Request-Id differ, ${ctx}`);
}

/** message:send that must succeed; returns the stored message. */
export async function send(socket, room, text, clientMsgId = cid()) {
  const ack = await call(socket, "message:send", { room, text, clientMsgId });
  assertAckOk(ack, `message:send ${JSON.stringify({ room, text: text.slice(0, 40) })}`);
  assertMessage(ack.message, { room, clientMsgId });
  return ack.message;
}

/** history that must succeed; returns {messages, hasMore}. */
export async function history(socket, room, extra = {}) {
  const ack = await call(socket, "history", { room, ...extra });
  assertAckOk(ack, `history ${room}`);
  assert.ok(Array.isArray(ack.messages), `history.messages should be an array: ${JSON.stringify(ack)}`);
  assert.equal(typeof ack.hasMore, "boolean", `history.hasMore should be a boolean: ${JSON.stringify(ack)}`);
  return ack;
}

/** Seq numbers strictly increasing by one. */
export function assertContiguous(messages, what = "messages") {
  for (let i = 1; i < messages.length; i++) {
    assert.equal(messages[i].seq, messages[i - 1].seq + 1, `${what}: seq ${messages[i - 1].seq} then ${messages[i].seq}`);
  }
}

export { assert };
