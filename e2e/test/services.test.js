// Service clients as data: `parley service create` (run as its own process
// against the data dir of a running server) makes a service that gets
// tokens at once, and `parley service revoke` drops its open sockets.

import { execFile } from "node:child_process";
import { test, sharedServer, assert, assertRestError } from "../lib/fixture.js";
import { api, uniqueName, connect, connectError, parleyBinary } from "../lib/server.js";

const srv = sharedServer({ label: "services" });

/** Runs `parley service ...args` on the shared server's data dir. */
async function parleyService(...args) {
  const bin = await parleyBinary();
  return new Promise((resolve) => {
    execFile(
      bin,
      ["service", ...args],
      { env: { ...process.env, PARLEY_DATA_DIR: srv.server.dataDir, PARLEY_MONGODB_URI: "" }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function serviceToken(appId, secret) {
  return api(srv.base, "POST", "/api/services/token", { json: { appId, secret } });
}

test("a service revoked from the command line loses its socket with reason revoked", async () => {
  const appId = uniqueName("bot");
  const created = await parleyService("create", appId);
  assert.equal(created.code, 0, created.stderr);
  const secret = created.stdout.match(/^secret: (\S+)$/m)?.[1];
  assert.ok(secret, `no secret in ${JSON.stringify(created.stdout)}`);

  const res = await serviceToken(appId, secret);
  assert.equal(res.status, 200, res.text);
  const { token } = res.body;
  const s = await connect(srv.base, token);
  const heard = [];
  s.on("session:ended", (p) => heard.push({ event: "session:ended", payload: p }));
  const disconnected = new Promise((resolve) => s.on("disconnect", (reason) => resolve(reason)));

  const revoked = await parleyService("revoke", appId);
  assert.equal(revoked.code, 0, revoked.stderr);
  let timer;
  const reason = await Promise.race([
    disconnected,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the service's socket was not dropped within 20 s (heard ${JSON.stringify(heard)})`)), 20_000);
    }),
  ]);
  clearTimeout(timer);
  heard.push({ event: "disconnect", reason });
  assert.deepEqual(heard, [
    { event: "session:ended", payload: { reason: "revoked" } },
    { event: "disconnect", reason: "io server disconnect" },
  ]);

  assertRestError(await serviceToken(appId, secret), 401, "UNAUTHORIZED", "the revoked service's secret");
  assertRestError(await api(srv.base, "GET", "/api/me", { token }), 401, "UNAUTHORIZED", "the revoked service's token");
  const err = await connectError(srv.base, { token });
  assert.equal(err.data?.code, "UNAUTHORIZED");

  const list = await parleyService("list");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^${appId.replace(/\./g, "\\.")} +cli +revoked `, "m"));
});

test("parley service -h prints the usage", async () => {
  for (const args of [["-h"], ["create", "-h"]]) {
    const r = await parleyService(...args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: parley service <command>/);
  }
});
