// Connection reliability: every WebSocket connection completes the
// Socket.IO handshake, and connections that come and go leave nothing
// behind. A client whose CONNECT packet is lost stays "connecting" until
// the server's connect timeout, so even one lost handshake in a thousand is
// a user-visible hang.

import { test, sharedServer, assert } from "../lib/fixture.js";
import { register, uniqueName, connect, waitFor } from "../lib/server.js";

async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

const srv = sharedServer({ label: "connect" });

// PARLEY_E2E_CONNECT_ATTEMPTS raises the count for a longer measurement.
const ATTEMPTS = Number(process.env.PARLEY_E2E_CONNECT_ATTEMPTS) || 1000;
const STOP_AFTER_FAILURES = 20;

test(`${ATTEMPTS} WebSocket connections in a row all complete the Socket.IO handshake on the first try`, async () => {
  const { token } = await register(srv.base, uniqueName("conn"));
  const failures = [];
  let tried = 0;
  while (tried < ATTEMPTS && failures.length < STOP_AFTER_FAILURES) {
    tried++;
    try {
      const socket = await connect(srv.base, token, { transports: ["websocket"], timeoutMs: 2000 });
      socket.close();
    } catch (err) {
      failures.push(`#${tried}: ${err.message}`);
    }
  }
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${tried} WebSocket connections never completed the Socket.IO handshake. ` +
      "When the Engine.IO session opened but CONNECT was never answered, the server read the " +
      "client's CONNECT before the handlers for it were in place.\n" +
      failures.join("\n"),
  );
});

// Connections that close as soon as they connect (a flaky network, a tab
// closed during load, a client retrying in a loop) must leave nothing
// behind on the server: every goroutine of every closed connection ends.
test("2000 WebSocket connections closed right after connecting leave no goroutine behind", async () => {
  const { token } = await register(srv.base, uniqueName("churn"));
  const watcher = await connect(srv.base, token); // keeps the user online throughout
  const baseline = await metric(srv.base, "go_goroutines");
  const CYCLES = 2000;
  const PARALLEL = 100;
  for (let done = 0; done < CYCLES; done += PARALLEL) {
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        const socket = await connect(srv.base, token, { transports: ["websocket"], timeoutMs: 5000 });
        socket.close();
      }),
    );
  }
  await waitFor(async () => (await metric(srv.base, "go_goroutines")) <= baseline + 10, {
    timeoutMs: 15_000,
    what: `goroutines back near ${baseline} after ${CYCLES} connect/close cycles`,
  }).catch(async (err) => {
    err.message += ` (now ${await metric(srv.base, "go_goroutines")})`;
    throw err;
  });
  assert.equal(watcher.connected, true);
});
