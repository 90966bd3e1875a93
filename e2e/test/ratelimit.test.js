// Per-user send rate limit: PARLEY_SEND_RATE=1/s with a burst of 3.

import { test, sharedServer, assert, assertAckOk, assertAckError, send, history } from "../lib/fixture.js";
import { register, uniqueName, connect, call, collect, sleep, cid } from "../lib/server.js";

const srv = sharedServer({ label: "ratelimit", env: { PARLEY_SEND_RATE: "1", PARLEY_SEND_BURST: "3" } });

test("the 4th rapid send is RATE_LIMITED, nothing beyond the burst is stored, and sending recovers", async () => {
  const A = await register(srv.base, uniqueName("rla"));
  const B = await register(srv.base, uniqueName("rlb"));
  const a = await connect(srv.base, A.token);
  const b = await connect(srv.base, B.token);
  const disconnects = collect(a, "disconnect");
  const atB = collect(b, "message", (m) => m.sender?.id === A.user.id);

  const ids = Array.from({ length: 6 }, () => cid("rl"));
  const acks = [];
  for (const id of ids) {
    acks.push(await call(a, "message:send", { room: "general", text: `rapid ${id}`, clientMsgId: id }));
  }
  for (let i = 0; i < 3; i++) assertAckOk(acks[i], `send #${i + 1} (within the burst)`);
  for (let i = 3; i < 6; i++) assertAckError(acks[i], "RATE_LIMITED", `send #${i + 1}`);

  const h = await history(b, "general", { limit: 20 });
  const mine = h.messages.filter((m) => m.sender.id === A.user.id);
  assert.deepEqual(
    mine.map((m) => m.clientMsgId),
    ids.slice(0, 3),
    "only the 3 sends within the burst are stored",
  );
  await sleep(300);
  assert.deepEqual(
    atB.map((m) => m.clientMsgId),
    ids.slice(0, 3),
    "B received only the 3 accepted messages",
  );

  // another user is not limited by A's burst
  await send(b, "general", "B is unaffected");

  // after a token refills (1/s) A can send again on the same socket
  await sleep(1200);
  const later = await send(a, "general", "after waiting");
  assert.equal(later.sender.id, A.user.id);
  assert.equal(disconnects.length, 0, "rate limiting refuses messages; it does not drop the socket");

  // the limit is per user, not per socket: a user with two sockets gets one burst
  const C = await register(srv.base, uniqueName("rlc"));
  const c1 = await connect(srv.base, C.token);
  const c2 = await connect(srv.base, C.token);
  const split = [];
  for (let i = 0; i < 6; i++) {
    split.push(await call(i % 2 ? c2 : c1, "message:send", { room: "general", text: `split ${i}`, clientMsgId: cid() }));
  }
  assert.deepEqual(
    split.map((ack) => (ack.ok ? "ok" : ack.error?.code)),
    ["ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"],
    "6 rapid sends alternating between two sockets of one user share one burst of 3",
  );
  c1.close();
  c2.close();
  a.close();
  b.close();
});
