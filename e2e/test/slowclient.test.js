// A connection that stops reading must not make the server buffer for it
// without bound: once more than PARLEY_MAX_QUEUED_BYTES wait for it, it is
// dropped and counted, while everyone else keeps receiving.
import { test, sharedServer, assert, send } from "../lib/fixture.js";
import { register, connect, collect, waitFor, api } from "../lib/server.js";

const ctx = sharedServer({
  env: { PARLEY_MAX_QUEUED_BYTES: "8KiB", PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000" },
});

// openStalledPollingSocket performs the Engine.IO long-polling handshake and
// the Socket.IO connect by hand, then never polls again.
async function openStalledPollingSocket(base, token) {
  const url = `${base}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(url)).text();
  const sid = JSON.parse(open.slice(open.indexOf("{"))).sid;
  const post = await fetch(`${url}&sid=${sid}`, { method: "POST", body: `40${JSON.stringify({ token })}` });
  assert.equal(post.status, 200, "connect packet accepted");
  const connected = await (await fetch(`${url}&sid=${sid}`)).text();
  assert.match(connected, /^40\{"sid"/, `socket connected, got ${connected}`);
  return { url, sid };
}

async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}
const slowMetric = (base) => metric(base, "parley_slow_clients_disconnected_total");

test("a client that stops reading is disconnected and counted; others still get every message", async () => {
  const a = await register(ctx.base, `slowa_${Date.now() % 1e6}`);
  const b = await register(ctx.base, `slowb_${Date.now() % 1e6}`);
  const c = await register(ctx.base, `slowc_${Date.now() % 1e6}`);
  const sa = await connect(ctx.base, a.token);
  const sb = await connect(ctx.base, b.token);
  const got = collect(sb, "message", (m) => m.room === "general" && m.sender.id === a.user.id);
  const stalled = await openStalledPollingSocket(ctx.base, c.token);
  assert.equal(await slowMetric(ctx.base), 0);
  assert.equal(await metric(ctx.base, "parley_connections"), 3);

  const deliveredBefore = await metric(ctx.base, "parley_messages_delivered_total");
  // Each message event is a few hundred bytes: 60 of them are more than
  // twice the 8 KiB that may wait for the stalled socket.
  const total = 60;
  for (let i = 0; i < total; i++) await send(sa, "general", `flood ${i}`);

  await waitFor(() => got.length === total, { what: `B receives all ${total} messages` });
  assert.deepEqual(got.map((m) => m.text), Array.from({ length: total }, (_, i) => `flood ${i}`));
  await waitFor(async () => (await slowMetric(ctx.base)) === 1, { what: "slow client counted" });
  // Each message was written to A's and B's sockets, and to C's until it was dropped.
  const delivered = (await metric(ctx.base, "parley_messages_delivered_total")) - deliveredBefore;
  assert.ok(delivered >= 2 * total && delivered <= 3 * total, `delivered ${delivered} for ${total} messages to 2-3 sockets`);

  await waitFor(async () => (await metric(ctx.base, "parley_connections")) === 2, { what: "the dropped socket is forgotten" });

  // The stalled session is gone: polling it again does not deliver the backlog.
  const res = await fetch(`${stalled.url}&sid=${stalled.sid}`);
  const body = await res.text();
  assert.ok(res.status === 400 || body.startsWith("1"), `stalled session closed, got ${res.status} ${body.slice(0, 80)}`);

  // The server and the other sockets are fine.
  const me = await api(ctx.base, "GET", "/api/me", { token: c.token });
  assert.equal(me.status, 200);
  const last = await send(sa, "general", "still here");
  assert.equal(last.seq, got[total - 1].seq + 1);
});
