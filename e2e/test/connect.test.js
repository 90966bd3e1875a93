// Connection reliability: every WebSocket connection completes the
// Socket.IO handshake. A client whose CONNECT packet is lost stays
// "connecting" forever (socket.io-client has no timeout for that step), so
// even one lost handshake in a thousand is a user-visible hang.

import { test, sharedServer, assert } from "../lib/fixture.js";
import { register, uniqueName, connect } from "../lib/server.js";

const srv = sharedServer({ label: "connect" });

const ATTEMPTS = 1000;
const STOP_AFTER_FAILURES = 3;

// Known upstream bug, kept visible as a todo (reported, not failing the run)
// until a socket.io release with the fix is used.
test(`${ATTEMPTS} WebSocket connections in a row all complete the Socket.IO handshake on the first try`, {
  todo: "zishang520/socket.io#195: a CONNECT sent right after the WebSocket open packet can be dropped",
}, async () => {
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
      "When the Engine.IO session opened but CONNECT was never answered, this is the zishang520 " +
      "socket.io listener-registration race (zishang520/socket.io#195, fix proposed in " +
      "zishang520/engine.io#36): the websocket transport starts reading before the listeners that " +
      "handle the CONNECT packet are registered, and the packet is dropped.\n" +
      failures.join("\n"),
  );
});

// What users get despite the bug: the server closes a connection whose
// CONNECT never arrived (connect timeout, 5 s) and the client's standard
// reconnection retries, so every WebSocket-only client ends up connected.
test("WebSocket-only clients with reconnection enabled all end up connected", async () => {
  const { token } = await register(srv.base, uniqueName("recon"));
  for (let i = 0; i < 300; i++) {
    const socket = await connect(srv.base, token, {
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelay: 100,
      timeoutMs: 20_000,
    });
    socket.close();
  }
});
