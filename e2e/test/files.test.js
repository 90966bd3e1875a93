// Files: an upload over REST, a message:send that attaches it, the other
// member receiving it with exactly the attachment shape, and the signed
// URLs that serve it without a token: refused unsigned or tampered, gone
// once the message is deleted. Uploads are members-only and bounded by
// PARLEY_MAX_UPLOAD_BYTES (small here).

import { test, sharedServer, assert, assertAckOk, assertAckError, assertRestError } from "../lib/fixture.js";
import { register, createRoom, uniqueName, connect, call, nextEvent, cid } from "../lib/server.js";

const MAX_UPLOAD = 4096;
const srv = sharedServer({
  label: "files",
  env: { PARLEY_SEND_RATE: "1000", PARLEY_SEND_BURST: "1000", PARLEY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) },
});

// A 4×2 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAGklEQVR4nGJhYDhhw8AAQSwMKQxwAAgAAP//JFYB6ezDcQAAAAAASUVORK5CYII=",
  "base64",
);

/** POST /api/rooms/:id/files with one multipart field "file". */
async function upload(token, roomId, name, bytes, type = "application/octet-stream") {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type }), name);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${srv.base}/api/rooms/${encodeURIComponent(roomId)}/files`, {
    method: "POST",
    headers,
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, body };
}

/** GET a file URL without a token; the body as bytes. */
async function fetchFile(url) {
  const res = await fetch(srv.base + url, { signal: AbortSignal.timeout(10_000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body;
  try {
    body = JSON.parse(bytes.toString());
  } catch {}
  return { status: res.status, headers: res.headers, bytes, text: bytes.toString(), body };
}

async function person(prefix) {
  const { token, user } = await register(srv.base, uniqueName(prefix));
  return { token, user, socket: await connect(srv.base, token) };
}

const signedURL = (id, thumb) =>
  new RegExp(`^/api/files/${id}${thumb ? "/thumb" : ""}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`);

test("upload, send with attachments, the other member receives and fetches them", async () => {
  const alice = await person("alice");
  const bob = await person("bob");
  const room = await createRoom(srv.base, alice.token, { name: uniqueName("files") });
  assertAckOk(await call(bob.socket, "room:join", { room: room.id }), "room:join");

  // The client's type is not believed: the bytes say PNG.
  const up = await upload(alice.token, room.id, "cat.png", PNG, "text/plain");
  assert.equal(up.status, 201, up.text);
  const file = up.body.file;
  assert.deepEqual(Object.keys(up.body), ["file"]);
  assert.deepEqual(file, {
    id: file.id,
    room: room.id,
    name: "cat.png",
    size: PNG.length,
    contentType: "image/png",
    width: 4,
    height: 2,
    url: file.url,
    thumbUrl: file.thumbUrl,
  });
  assert.match(file.url, signedURL(file.id, false));
  assert.match(file.thumbUrl, signedURL(file.id, true));

  const doc = await upload(alice.token, room.id, "notes.txt", "plain words");
  assert.equal(doc.status, 201, doc.text);
  assert.deepEqual(doc.body.file, {
    id: doc.body.file.id,
    room: room.id,
    name: "notes.txt",
    size: 11,
    contentType: "text/plain; charset=utf-8",
    url: doc.body.file.url,
  });

  const received = nextEvent(bob.socket, "message", (m) => m.room === room.id);
  const clientMsgId = cid();
  const ack = await call(alice.socket, "message:send", { room: room.id, text: "", clientMsgId, attachments: [doc.body.file.id, file.id] });
  assertAckOk(ack, "message:send with attachments");
  assert.deepEqual(ack.message.attachments, [doc.body.file, file]);
  assert.equal(ack.message.text, "");
  const got = await received;
  assert.deepEqual(got, ack.message);

  // Bob fetches both without a token, as <img src> and a download do.
  const img = await fetchFile(got.attachments[1].url);
  assert.equal(img.status, 200);
  assert.deepEqual(img.bytes, PNG);
  assert.equal(img.headers.get("content-type"), "image/png");
  assert.equal(img.headers.get("x-content-type-options"), "nosniff");
  assert.equal(img.headers.get("content-disposition"), "inline; filename*=UTF-8''cat.png");
  assert.match(img.headers.get("cache-control"), /^private, max-age=\d+$/);
  const thumb = await fetchFile(got.attachments[1].thumbUrl);
  assert.equal(thumb.status, 200);
  assert.match(thumb.headers.get("content-type"), /^image\/(png|jpeg)$/);
  const txt = await fetchFile(got.attachments[0].url);
  assert.equal(txt.text, "plain words");
  assert.equal(txt.headers.get("content-disposition"), "attachment; filename*=UTF-8''notes.txt");

  // History shows them the same way.
  const hist = await call(bob.socket, "history", { room: room.id });
  assertAckOk(hist, "history");
  assert.deepEqual(hist.messages.at(-1), ack.message);

  // A file goes on one message only.
  assertAckError(
    await call(alice.socket, "message:send", { room: room.id, text: "again", clientMsgId: cid(), attachments: [file.id] }),
    "BAD_REQUEST",
    "re-attaching",
  );
  // Nor may Bob attach Alice's upload.
  const other = await upload(alice.token, room.id, "other.txt", "x");
  assertAckError(
    await call(bob.socket, "message:send", { room: room.id, text: "mine now", clientMsgId: cid(), attachments: [other.body.file.id] }),
    "BAD_REQUEST",
    "someone else's file",
  );

  // Deleted, the message's files are served no more.
  assertAckOk(await call(alice.socket, "message:delete", { room: room.id, id: ack.message.id }), "message:delete");
  assertRestError(await fetchFile(file.url), 404, "NOT_FOUND", "a deleted message's file");
  assertRestError(await fetchFile(file.thumbUrl), 404, "NOT_FOUND", "a deleted message's thumbnail");
});

test("file URLs need their signature", async () => {
  const alice = await person("sig");
  const up = await upload(alice.token, "general", "a.txt", "secret words");
  assert.equal(up.status, 201, up.text);
  const { url } = up.body.file;
  const [path] = url.split("?");
  assertRestError(await fetchFile(path), 403, "FORBIDDEN", "no signature");
  const sig = url.slice(url.indexOf("sig=") + 4);
  const tampered = url.slice(0, url.length - sig.length) + (sig[0] === "A" ? "B" : "A") + sig.slice(1);
  assertRestError(await fetchFile(tampered), 403, "FORBIDDEN", "tampered signature");
  const exp = Number(new URL(url, srv.base).searchParams.get("exp"));
  assertRestError(await fetchFile(url.replace(`exp=${exp}`, `exp=${exp + 3600}`)), 403, "FORBIDDEN", "a later expiry");
  assert.equal((await fetchFile(url)).text, "secret words");
});

test("uploads are for members, within the size limit", async () => {
  const alice = await person("owner");
  const carol = await person("carol");
  const secret = await createRoom(srv.base, alice.token, { name: uniqueName("secret"), private: true });
  assertRestError(await upload(carol.token, secret.id, "a.txt", "hello"), 404, "NOT_FOUND", "non-member upload");
  assertRestError(await upload(null, secret.id, "a.txt", "hello"), 401, "UNAUTHORIZED", "no token");
  assertRestError(await upload(alice.token, secret.id, "big.bin", Buffer.alloc(MAX_UPLOAD + 1, 1)), 413, "TOO_LARGE", "over the limit");
  const exact = await upload(alice.token, secret.id, "exact.bin", Buffer.alloc(MAX_UPLOAD, 1));
  assert.equal(exact.status, 201, exact.text);
  assert.equal(exact.body.file.size, MAX_UPLOAD);
});
