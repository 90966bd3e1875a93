// A Redis of the test's own: `redis-server` as a child process on a free
// port, with nothing saved to disk, so a test can stop and restart it
// without touching any other Redis (never the shared one on 6379).

import { spawn, spawnSync } from "node:child_process";
import net from "node:net";

const START_TIMEOUT_MS = 10_000;

const live = new Set();
process.on("exit", () => {
  for (const p of live) {
    try {
      p.kill("SIGKILL");
    } catch {}
  }
});

/** Why redis-server cannot run here, or "" when it can. */
export function redisServerMissing() {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (r.error) return `redis-server is not installed (${r.error.code}): apt-get install redis-server`;
  return "";
}

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether a Redis on port answers PING with PONG. */
export function redisPongs(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let got = "";
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => {
      got += d.toString();
      if (got.includes("\r\n")) done(got.startsWith("+PONG"));
    });
    s.on("error", () => done(false));
  });
}

class RedisProcess {
  constructor(port) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}/0`;
    this.proc = null;
    this.output = "";
  }

  /** Starts redis-server on this.port and waits until it answers. */
  async start() {
    if (this.proc) throw new Error(`redis on ${this.port} is already running`);
    const proc = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.proc = proc;
    live.add(proc);
    proc.exited = new Promise((resolve) =>
      proc.on("exit", (code, signal) => {
        live.delete(proc);
        if (this.proc === proc) this.proc = null;
        resolve({ code, signal });
      }),
    );
    for (const stream of [proc.stdout, proc.stderr]) stream.on("data", (d) => (this.output = (this.output + d).slice(-16_000)));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await redisPongs(this.port))) {
      if (!this.proc) throw new Error(`redis-server on ${this.port} exited at start:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer within ${START_TIMEOUT_MS} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  /** Kills it (SIGKILL by default: an outage, not a shutdown) and waits for the exit. */
  async stop(signal = "SIGKILL") {
    const proc = this.proc;
    if (!proc) return;
    proc.kill(signal);
    await proc.exited;
  }
}

/** Starts a private Redis on a free port; stop() and start() it again at will. */
export async function startRedis() {
  return new RedisProcess(await freePort()).start();
}
