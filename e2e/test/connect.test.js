// Connection reliability: every WebSocket connection completes the
// Socket.IO handshake, and connections that come and go leave nothing
// behind. A client whose CONNECT packet is lost stays "connecting" until
// the server's connect timeout, so even one lost handshake in a thousand is
// a user-visible hang.

import { test, sharedServer, assert } from "../lib/fixture.js";
import { io } from "socket.io-client";
import { register, uniqueName, connect, call, waitFor } from "../lib/server.js";

async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

// A short presence grace and heartbeat, so users whose sockets all closed
// go offline, and clients that vanished are dropped, within the test; the
// ping timeout leaves a live client on a busy machine time to answer. One
// user opens up to 200 sockets at a time here, the cap per user; the churn
// test checks that every place it held is given back.
const MAX_PER_USER = 200;
const srv = sharedServer({
  label: "connect",
  env: {
    PARLEY_PRESENCE_GRACE: "200ms",
    PARLEY_PING_INTERVAL: "2s",
    PARLEY_PING_TIMEOUT: "5s",
    PARLEY_MAX_CONNECTIONS_PER_USER: String(MAX_PER_USER),
  },
});

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

// Sockets that close at any point of their handshake (before the upgrade,
// between the Engine.IO open and the Socket.IO CONNECT, while the server
// still reads the user's rooms, or just after) are each counted in once and
// out once: the connection gauge and the presence map end where they
// started, and a user who stayed connected throughout stays online.
test("2000 sockets closed at random points of their handshake leave the connection count and presence exact", async () => {
  const stayer = await register(srv.base, uniqueName("stay"));
  const churner = await register(srv.base, uniqueName("churn"));
  const watcher = await register(srv.base, uniqueName("watch"));
  const stay = await connect(srv.base, stayer.token);
  const watch = await connect(srv.base, watcher.token);
  const settled = async () => ({
    connections: await metric(srv.base, "parley_connections"),
    online: await metric(srv.base, "parley_users_online"),
  });
  const before = await settled();
  assert.ok(before.connections >= 2 && before.online >= 2, `baseline ${JSON.stringify(before)}`);
  const goroutines = await metric(srv.base, "go_goroutines");

  const CYCLES = 2000;
  const PARALLEL = 100;
  let connected = 0;
  for (let done = 0; done < CYCLES; done += PARALLEL) {
    await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => {
        // A quarter start with long-polling, as browsers do.
        const transports = i % 4 === 0 ? ["polling", "websocket"] : ["websocket"];
        const socket = io(srv.base, { transports, forceNew: true, reconnection: false, auth: { token: churner.token } });
        socket.on("connect", () => connected++);
        if (i % 10 === 5) {
          // Some close just after they connect, however loaded the machine
          // is: the random delays below can all fall before the CONNECT.
          return new Promise((resolve) => {
            const close = () => { socket.close(); resolve(); };
            socket.on("connect", close);
            socket.on("connect_error", close);
            setTimeout(close, 5000);
          });
        }
        return new Promise((resolve) => setTimeout(() => {
          socket.close();
          resolve();
        }, Math.floor(Math.random() * 25)));
      }),
    );
  }
  assert.ok(connected > 0 && connected < CYCLES, `some sockets should close before connecting and some after (connected ${connected})`);
  await waitFor(async () => {
    const now = await settled();
    return now.connections === before.connections && now.online === before.online;
  }, { timeoutMs: 15_000, what: `connections and users online back to ${JSON.stringify(before)}` }).catch(async (err) => {
    err.message += ` (now ${JSON.stringify(await settled())})`;
    throw err;
  });
  // A long-polling session whose client vanished mid-handshake keeps one
  // timer of the library's until its close timeout (30 s, not settable),
  // or until the heartbeat (2 s + 5 s) drops it.
  await waitFor(async () => (await metric(srv.base, "go_goroutines")) <= goroutines + 10, {
    timeoutMs: 45_000,
    intervalMs: 500,
    what: `goroutines back near ${goroutines}`,
  });
  // The user who never left is still online; the churner is not.
  const ack = await call(watch, "room:join", { room: "general" });
  const online = Object.fromEntries(ack.members.map((m) => [m.username, m.online]));
  assert.equal(online[stayer.user.username], true, "a user connected throughout must stay online");
  assert.equal(online[churner.user.username], false, "a user whose sockets all closed must go offline");
  assert.equal(stay.connected, true);
  // Every socket, closed at whatever point, gave its place back: the
  // churner may open as many as the cap allows.
  const all = await Promise.all(
    Array.from({ length: MAX_PER_USER }, () => connect(srv.base, churner.token, { transports: ["websocket"] })),
  );
  all.forEach((s) => s.close());
});

// An idle connection costs its reader goroutine and the library's
// heartbeat timer goroutine, and nothing more: the writer runs only while
// something is queued, so a node's goroutines grow by two per idle client,
// whether it connected over WebSocket or upgraded from long-polling.
test("idle connections hold two goroutines each, however they connected", async () => {
  const { token } = await register(srv.base, uniqueName("idle"));
  const goroutines = () => metric(srv.base, "go_goroutines");
  const baseline = await goroutines();
  const N = 200;
  const sockets = [];
  for (let i = 0; i < N; i += 50) {
    sockets.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          connect(srv.base, token, { transports: j % 2 ? ["websocket"] : ["polling", "websocket"] }),
        ),
      )),
    );
  }
  await waitFor(() => sockets.every((s) => s.io.engine.transport.name === "websocket"), { what: "every socket on WebSocket" });
  // Through heartbeats (every second here): each one wakes a writer, which
  // ends once the ping is written.
  await new Promise((r) => setTimeout(r, 2500));
  const perConnection = ((await goroutines()) - baseline) / N;
  assert.ok(perConnection <= 2.05, `${perConnection.toFixed(2)} goroutines per idle connection, want 2`);
  for (const s of sockets) s.close();
});
