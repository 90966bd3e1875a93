// Connection reliability: every WebSocket connection completes the
// Socket.IO handshake. A client whose CONNECT packet is lost stays
// "connecting" forever (socket.io-client has no timeout for that step), so
// even one lost handshake in a thousand is a user-visible hang.

import { test, sharedServer, assert } from "../lib/fixture.js";
import { register, uniqueName, connect } from "../lib/server.js";

const srv = sharedServer({ label: "connect" });

const ATTEMPTS = 3000;
const STOP_AFTER_FAILURES = 3;

test(`${ATTEMPTS} WebSocket connections in a row all complete the Socket.IO handshake`, async () => {
  const { token } = await register(srv.base, uniqueName("conn"));
  const failures = [];
  let tried = 0;
  while (tried < ATTEMPTS && failures.length < STOP_AFTER_FAILURES) {
    tried++;
    try {
      const socket = await connect(srv.base, token, { timeoutMs: 2000 });
      socket.close();
    } catch (err) {
      failures.push(`#${tried}: ${err.message}`);
    }
  }
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${tried} WebSocket connections never completed the Socket.IO handshake. ` +
      "When the Engine.IO session opened but CONNECT was never answered, this is the zishang520 " +
      "socket.io listener-registration race (zishang520/socket.io#195, fix proposed in " +
      "zishang520/engine.io#36): the websocket transport starts reading before the listeners that " +
      "handle the CONNECT packet are registered, and the packet is dropped.\n" +
      failures.join("\n"),
  );
});
