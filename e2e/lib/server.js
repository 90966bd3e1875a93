// Harness for Parley's end-to-end tests: builds and starts the real binary,
// stops it, and offers small REST / Socket.IO helpers.
//
// Binary: $PARLEY_BIN if set, otherwise built once per test process with
// `go build -o <tmpdir>/parley-e2e-<pid> ./cmd/parley` from the repository root.

import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { io } from "socket.io-client";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const JWT_SECRET = "e2e-secret-0123456789abcdef0123456789abcdef";
export const DEFAULT_PASSWORD = "correct-horse-9";

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;
const LOG_LIMIT = 512 * 1024; // bytes of output kept per server

// ---------------------------------------------------------------- binary

let binaryPromise = null;
let builtBinary = null;

/** Path of the parley binary; builds it on first use unless $PARLEY_BIN is set. */
export function parleyBinary() {
  if (process.env.PARLEY_BIN) return Promise.resolve(path.resolve(process.env.PARLEY_BIN));
  if (!binaryPromise) {
    const out = path.join(tmpdir(), `parley-e2e-${process.pid}`);
    binaryPromise = new Promise((resolve, reject) => {
      execFile(
        "go",
        ["build", "-o", out, "./cmd/parley"],
        { cwd: REPO_ROOT, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) {
            reject(new Error(`go build ./cmd/parley failed: ${err.message}\n${stdout}${stderr}`));
            return;
          }
          builtBinary = out;
          resolve(out);
        },
      );
    });
  }
  return binaryPromise;
}

// ---------------------------------------------------------------- server

const liveServers = new Set();
const allServers = [];

process.on("exit", () => {
  for (const s of liveServers) {
    try {
      s.proc.kill("SIGKILL");
    } catch {}
    if (s.ownsDataDir) rmSync(s.dataDir, { recursive: true, force: true });
  }
  if (builtBinary) rmSync(builtBinary, { force: true });
});

/** A fresh temporary data directory (the caller removes it, see removeDir). */
export function makeDataDir() {
  return mkdtempSync(path.join(tmpdir(), "parley-e2e-data-"));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

class ParleyServer {
  constructor(proc, dataDir, ownsDataDir, label) {
    this.proc = proc;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.label = label;
    this.base = null;
    this.exitCode = undefined; // number, or null when killed by a signal
    this.exitSignal = null;
    this.startedAt = performance.now();
    this.stoppedAt = null;
    this.chunks = [];
    this.size = 0;
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.stoppedAt = performance.now();
        liveServers.delete(this);
        resolve({ code, signal });
      });
    });
  }

  append(stream, data) {
    const text = data.toString();
    this.chunks.push(stream === "stdout" ? text.replace(/^/gm, "[stdout] ") : text);
    this.size += text.length;
    while (this.size > LOG_LIMIT && this.chunks.length > 1) this.size -= this.chunks.shift().length;
  }

  /** Everything the server printed (stdout lines prefixed with [stdout]). */
  get output() {
    return this.chunks.join("");
  }

  get running() {
    return this.exitCode === undefined;
  }

  /** SIGTERM, wait up to 15 s; SIGKILL and throw if it does not exit. Returns {code, signal}. */
  async stop({ timeoutMs = STOP_TIMEOUT_MS } = {}) {
    if (this.running) {
      this.proc.kill("SIGTERM");
      let timer;
      const timedOut = await Promise.race([
        this.exited.then(() => false),
        new Promise((r) => (timer = setTimeout(() => r(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.proc.kill("SIGKILL");
        await this.exited;
        this.cleanup();
        throw new Error(
          `parley did not exit within ${timeoutMs} ms of SIGTERM (killed)\n--- server output ---\n${tail(this.output)}`,
        );
      }
    }
    await this.exited;
    this.cleanup();
    if (process.env.PARLEY_E2E_VERBOSE) {
      process.stderr.write(`\n===== ${this.label} (pid ${this.proc.pid}) output =====\n${this.output}===== end =====\n`);
    }
    return { code: this.exitCode, signal: this.exitSignal };
  }

  cleanup() {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Start parley. options.env overrides the defaults (a value of undefined or null
 * removes the variable); options.dataDir reuses a directory (it is then kept on stop).
 */
export async function startServer({ env = {}, dataDir, label = "parley" } = {}) {
  const bin = await parleyBinary();
  const ownsDataDir = !dataDir;
  const dir = dataDir ?? makeDataDir();
  const childEnv = {
    ...process.env,
    PARLEY_ADDR: "127.0.0.1:0",
    PARLEY_DATA_DIR: dir,
    PARLEY_LOG_LEVEL: process.env.PARLEY_E2E_LOG_LEVEL || "info",
    PARLEY_JWT_SECRET: JWT_SECRET,
    // Every test's users register and connect from 127.0.0.1, which a
    // deployment would take for one client; test/ratelimit.test.js sets
    // its own.
    PARLEY_AUTH_IP_RATE: "1000",
    PARLEY_AUTH_IP_BURST: "1000",
    PARLEY_MAX_CONNECTIONS_PER_IP: "0",
  };
  delete childEnv.PARLEY_MONGODB_URI;
  delete childEnv.PARLEY_REDIS_URL;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || v === null) delete childEnv[k];
    else childEnv[k] = String(v);
  }
  const proc = spawn(bin, [], { cwd: dir, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const server = new ParleyServer(proc, dir, ownsDataDir, label);
  liveServers.add(server);
  allServers.push(server);

  const base = await new Promise((resolve, reject) => {
    let seen = "";
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      err ? reject(err) : resolve(value);
    };
    const onData = (stream) => (data) => {
      server.append(stream, data);
      if (done) return;
      seen += data.toString();
      for (const line of seen.split("\n")) {
        if (!line.includes("parley listening")) continue;
        const m = line.match(/\baddr=("?)([^\s"]+)\1/);
        if (m) {
          let addr = m[2];
          addr = addr.replace(/^0\.0\.0\.0:/, "127.0.0.1:").replace(/^\[::\]:/, "127.0.0.1:");
          finish(null, `http://${addr}`);
          return;
        }
      }
    };
    proc.stdout.on("data", onData("stdout"));
    proc.stderr.on("data", onData("stderr"));
    proc.on("error", (err) => finish(new Error(`cannot start ${bin}: ${err.message}`)));
    server.exited.then(({ code, signal }) =>
      finish(
        new Error(
          `parley exited (code ${code}, signal ${signal}) before listening\n--- server output ---\n${tail(server.output)}`,
        ),
      ),
    );
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      finish(
        new Error(
          `parley did not log "parley listening" within ${START_TIMEOUT_MS} ms\n--- server output ---\n${tail(server.output)}`,
        ),
      );
    }, START_TIMEOUT_MS);
  });
  server.base = base;
  return server;
}

function tail(text, max = 16_000) {
  return text.length > max ? "…" + text.slice(-max) : text;
}

/** Output of the servers that were alive between `since` (performance.now()) and now. */
export function serverLogsSince(since) {
  return allServers
    .filter((s) => s.stoppedAt === null || s.stoppedAt >= since)
    .map((s) => `--- ${s.label} (${s.base ?? "not listening"}, pid ${s.proc.pid}) output ---\n${tail(s.output)}`)
    .join("\n");
}

// ---------------------------------------------------------------- REST

/**
 * HTTP request to the server. json: a value sent as JSON; body: a raw string body.
 * Returns {status, headers, text, body} (body parsed as JSON when possible).
 */
export async function api(base, method, urlPath, { token, json, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    h["content-type"] ??= "application/json";
  }
  const res = await fetch(base + urlPath, { method, headers: h, body: payload, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** A unique valid username: prefix (trimmed to 12 chars) + "_" + 8 random chars. */
export function uniqueName(prefix = "user") {
  const p = prefix.toLowerCase().replace(/[^a-z0-9_.-]/g, "").slice(0, 12) || "user";
  return `${p}_${randomBytes(6).toString("hex").slice(0, 8)}`;
}

/** POST /api/auth/register; throws unless 201. Returns {token, user, password}. */
export async function register(base, username, password = DEFAULT_PASSWORD, displayName) {
  const json = { username, password };
  if (displayName !== undefined) json.displayName = displayName;
  const res = await api(base, "POST", "/api/auth/register", { json });
  if (res.status !== 201 || !res.body?.token) {
    throw new Error(`register ${username}: expected 201 {token,user}, got ${res.status} ${res.text}`);
  }
  return { token: res.body.token, user: res.body.user, password };
}

/** POST /api/rooms as the token's user; throws unless 201. Returns the room. */
export async function createRoom(base, token, { name, topic, private: priv } = {}) {
  const json = { name: name ?? uniqueName("room") };
  if (topic !== undefined) json.topic = topic;
  if (priv !== undefined) json.private = priv;
  const res = await api(base, "POST", "/api/rooms", { token, json });
  if (res.status !== 201 || !res.body?.room) {
    throw new Error(`create room: expected 201 {room}, got ${res.status} ${res.text}`);
  }
  return res.body.room;
}

// ---------------------------------------------------------------- Socket.IO

const clients = new Set();

/** Connect with socket.io-client; resolves on "connect", rejects on "connect_error". */
export function connect(base, token, opts = {}) {
  // socket.io-client's own default (what browsers use): long-polling first,
  // then the upgrade to WebSocket.
  const { transports = ["polling", "websocket"], timeoutMs = 10_000, auth: _auth, ...rest } = opts;
  // opts.auth replaces {token}; an explicit auth: undefined sends no auth at all
  const auth = "auth" in opts ? opts.auth : { token };
  const ioOpts = { transports, forceNew: true, reconnection: false, timeout: timeoutMs, ...rest };
  if (auth !== undefined) ioOpts.auth = auth;
  const socket = io(base, ioOpts);
  clients.add(socket);
  socket.on("disconnect", () => clients.delete(socket));
  return new Promise((resolve, reject) => {
    let engineOpened = false;
    socket.io.on("open", () => (engineOpened = true));
    const timer = setTimeout(() => {
      cleanup();
      const engine = socket.io.engine;
      const state = engineOpened
        ? `the Engine.IO session opened (transport ${engine?.transport?.name}, sid ${engine?.id}) but the server never answered the Socket.IO CONNECT`
        : `the Engine.IO session never opened (readyState ${engine?.readyState})`;
      socket.close();
      clients.delete(socket);
      reject(new Error(`socket to ${base} did not connect within ${timeoutMs} ms: ${state}`));
    }, timeoutMs);
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (err) => {
      cleanup();
      socket.close();
      clients.delete(socket);
      reject(err);
    };
    function cleanup() {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
    }
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
  });
}

/** Connect expecting a handshake rejection; resolves with the connect_error error. */
export async function connectError(base, auth, opts = {}) {
  try {
    const socket = await connect(base, undefined, { ...opts, auth });
    socket.close();
  } catch (err) {
    return err;
  }
  throw new Error(`expected connect_error, but the socket connected (auth ${JSON.stringify(auth)})`);
}

/** Close every client socket this process opened and has not closed yet. */
export function closeAllClients() {
  for (const s of clients) s.close();
  clients.clear();
}

/**
 * Emit with an ack (5 s timeout). call(socket, event) sends no payload at all;
 * call(socket, event, x) sends x (which may be a string, null, a number...).
 */
export async function call(socket, event, ...args) {
  try {
    return await socket.timeout(5000).emitWithAck(event, ...args);
  } catch (err) {
    throw new Error(`no ack for ${event} ${JSON.stringify(args)} within 5 s (${err.message})`);
  }
}

/** Resolve with the next `name` event matching predicate; reject after timeoutMs. */
export function nextEvent(socket, name, predicate = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, handler);
      reject(new Error(`no "${name}" event matching ${predicate.toString()} within ${timeoutMs} ms`));
    }, timeoutMs);
    function handler(payload) {
      let ok;
      try {
        ok = predicate(payload);
      } catch {
        ok = false;
      }
      if (!ok) return;
      clearTimeout(timer);
      socket.off(name, handler);
      resolve(payload);
    }
    socket.on(name, handler);
  });
}

/** An array filled with every `name` event (matching predicate) as it arrives; .stop() detaches. */
export function collect(socket, name, predicate = () => true) {
  const events = [];
  const handler = (payload) => {
    let ok;
    try {
      ok = predicate(payload);
    } catch {
      ok = false;
    }
    if (ok) events.push(payload);
  };
  socket.on(name, handler);
  Object.defineProperty(events, "stop", { value: () => socket.off(name, handler), enumerable: false });
  return events;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn until it returns truthy (or throw after timeoutMs). */
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 20, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

let cidCounter = 0;
/** A fresh clientMsgId. */
export function cid(tag = "c") {
  return `${tag}-${process.pid}-${++cidCounter}-${randomBytes(4).toString("hex")}`;
}
