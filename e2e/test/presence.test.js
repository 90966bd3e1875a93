// Presence: online when the first socket connects, offline only after the
// last socket has been gone for PARLEY_PRESENCE_GRACE (300ms here).

import { test, sharedServer, assert, assertUser } from "../lib/fixture.js";
import { register, uniqueName, connect, nextEvent, collect, sleep, waitFor } from "../lib/server.js";

const GRACE_MS = 300;
const srv = sharedServer({ label: "presence", env: { PARLEY_PRESENCE_GRACE: `${GRACE_MS}ms` } });

function about(user, online) {
  return (e) => e.user?.id === user.id && e.online === online;
}

async function closeAndWait(socket) {
  socket.close();
  await waitFor(() => !socket.connected, { what: "socket to close" });
}

test("B connecting is announced online; B's last socket leaving is announced offline after the grace", async () => {
  const A = await register(srv.base, uniqueName("pra"));
  const B = await register(srv.base, uniqueName("prb"));
  const a = await connect(srv.base, A.token);

  const online = nextEvent(a, "presence", about(B.user, true));
  const b = await connect(srv.base, B.token);
  const ev = await online;
  assertUser(ev.user, { id: B.user.id, username: B.user.username });

  const offline = nextEvent(a, "presence", about(B.user, false), 5000);
  const t0 = performance.now();
  await closeAndWait(b);
  const off = await offline;
  const waited = performance.now() - t0;
  assertUser(off.user, { id: B.user.id });
  assert.ok(waited >= GRACE_MS - 50, `offline came after ${waited.toFixed(0)} ms, before the ${GRACE_MS} ms grace`);
  a.close();
});

test("a reconnect within the grace period produces no offline event", async () => {
  const A = await register(srv.base, uniqueName("prc"));
  const B = await register(srv.base, uniqueName("prd"));
  const a = await connect(srv.base, A.token);
  const online = nextEvent(a, "presence", about(B.user, true));
  let b = await connect(srv.base, B.token);
  await online;

  const offlines = collect(a, "presence", about(B.user, false));
  await closeAndWait(b);
  b = await connect(srv.base, B.token); // well within 300 ms
  await sleep(GRACE_MS + 900);
  assert.equal(offlines.length, 0, "B came back within the grace period: no online:false");

  // the cancelled grace does not break the next real departure
  const offline = nextEvent(a, "presence", about(B.user, false), 5000);
  await closeAndWait(b);
  await offline;
  a.close();
});

test("with two sockets, B stays online until the second one leaves", async () => {
  const A = await register(srv.base, uniqueName("pre"));
  const B = await register(srv.base, uniqueName("prf"));
  const a = await connect(srv.base, A.token);
  const onlines = collect(a, "presence", about(B.user, true));
  const b1 = await connect(srv.base, B.token);
  await waitFor(() => onlines.length === 1, { what: "online:true for B" });
  const b2 = await connect(srv.base, B.token, { transports: ["polling"] });
  await sleep(200);
  assert.equal(onlines.length, 1, "the second socket of an online user is not a new online event");

  const offlines = collect(a, "presence", about(B.user, false));
  await closeAndWait(b1);
  await sleep(GRACE_MS + 900);
  assert.equal(offlines.length, 0, "B still has a socket: no online:false");

  await closeAndWait(b2);
  await waitFor(() => offlines.length === 1, { timeoutMs: 5000, what: "online:false after the last socket left" });
  a.close();
});
