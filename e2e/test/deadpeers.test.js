// Peers that vanish without closing their connection (a laptop lid shut, a
// phone off the network) must be noticed by the heartbeat and freed: their
// sockets leave the connection count and the server's goroutines return to
// where they were. A silent raw TCP peer stands in for them: it completes the
// WebSocket upgrade and the Socket.IO connect, then never reads or writes.
import net from "node:net";
import crypto from "node:crypto";
import { test, sharedServer, assert } from "../lib/fixture.js";
import { register, connect, waitFor, sleep } from "../lib/server.js";

const ctx = sharedServer({ env: { PARLEY_PING_INTERVAL: "500ms", PARLEY_PING_TIMEOUT: "500ms" } });

async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

// maskedTextFrame encodes a client->server WebSocket text frame (RFC 6455 §5).
function maskedTextFrame(text) {
  const payload = Buffer.from(text);
  assert.ok(payload.length < 65536, "frames under 64 KiB only");
  const mask = crypto.randomBytes(4);
  const head = payload.length < 126 ? 2 : 4;
  const out = Buffer.alloc(head + 4 + payload.length);
  out[0] = 0x81;
  if (head === 2) {
    out[1] = 0x80 | payload.length;
  } else {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(payload.length, 2);
  }
  mask.copy(out, head);
  for (let i = 0; i < payload.length; i++) out[head + 4 + i] = payload[i] ^ mask[i % 4];
  return out;
}

function openSilentPeer(base, token) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let buf = "";
    let connectSent = false;
    sock.on("error", () => {});
    sock.on("data", (chunk) => {
      buf += chunk.toString("latin1");
      if (!connectSent && buf.includes("\r\n\r\n") && buf.includes('"sid"')) {
        if (!buf.startsWith("HTTP/1.1 101")) return reject(new Error(`upgrade refused: ${buf.slice(0, 120)}`));
        connectSent = true;
        sock.write(maskedTextFrame(`40${JSON.stringify({ token })}`));
      }
      if (connectSent && buf.includes('40{"sid"')) {
        sock.pause(); // from now on: silent, never reads, never answers a ping
        resolve(sock);
      }
    });
    sock.on("connect", () => {
      sock.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\n` +
          `Sec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    setTimeout(() => reject(new Error(`silent peer did not connect: ${buf.slice(0, 200)}`)), 5000);
  });
}

test("silent peers are dropped by the heartbeat and their goroutines freed", async () => {
  const watcher = await register(ctx.base, `watch_${Date.now() % 1e6}`);
  const peer = await register(ctx.base, `ghost_${Date.now() % 1e6}`);
  const live = await connect(ctx.base, watcher.token);
  await sleep(300);
  const baseConns = await metric(ctx.base, "parley_connections");
  const baseGoroutines = await metric(ctx.base, "go_goroutines");
  assert.equal(baseConns, 1);

  const ghosts = await Promise.all(Array.from({ length: 20 }, () => openSilentPeer(ctx.base, peer.token)));
  const withGhosts = await metric(ctx.base, "parley_connections");
  assert.ok(withGhosts > baseConns + 10, `ghosts counted while alive (${withGhosts})`);

  await waitFor(async () => (await metric(ctx.base, "parley_connections")) === baseConns, {
    timeoutMs: 10_000,
    what: "silent peers dropped by the heartbeat",
  });
  await waitFor(async () => (await metric(ctx.base, "go_goroutines")) <= baseGoroutines + 5, {
    timeoutMs: 10_000,
    what: `goroutines back near ${baseGoroutines}`,
  });
  for (const g of ghosts) g.destroy();

  // The live client was never disturbed: heartbeats kept it connected.
  assert.equal(live.connected, true);
});
