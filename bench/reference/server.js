// The reference for bench/sidebyside: what a team would otherwise pick, a
// plain Node.js socket.io 4 server, speaking the subset of Parley's protocol
// (docs/protocol.md §6-§8) that the load uses, with the same shapes and in
// the same order (ack before broadcast; the sender's own sockets receive
// the broadcast too). It keeps everything in memory and persists nothing,
// has no rate limit, no sensitive-word filter, no mentions and no
// idempotency table: it is the floor Parley's extra work is measured
// against, not a second implementation of Parley.
//
//   PORT=0 node server.js   (prints "reference listening addr=HOST:PORT")
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 0);
const maxText = 4000;

const httpServer = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  res.writeHead(404);
  res.end();
});

// Parley's limits (server/emitter.go), so neither side buffers or waits
// longer than the other.
const io = new Server(httpServer, {
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  connectTimeout: 5000,
  maxHttpBufferSize: 128 * 1024,
});

// userId -> Set of room ids: like Parley, membership belongs to the user, so
// a socket that connects later hears the user's rooms at once.
const memberships = new Map();
// room id -> { lastSeq }
const rooms = new Map();

const roomChannel = (id) => 'room:' + id;
const userChannel = (id) => 'user:' + id;

// Parley's ids (id.go): 6 bytes of unix milliseconds then 10 random bytes,
// hex. Drawing the random part in blocks keeps a syscall off every message.
let pool = Buffer.alloc(0);
let poolAt = 0;
function newId() {
  if (poolAt + 10 > pool.length) {
    pool = crypto.randomBytes(10 * 4096);
    poolAt = 0;
  }
  const ms = Date.now().toString(16).padStart(12, '0');
  const id = ms + pool.toString('hex', poolAt, poolAt + 10);
  poolAt += 10;
  return id;
}

function fail(ack, code, message) {
  ack({ ok: false, error: { code, message } });
}

const isObject = (p) => p !== null && typeof p === 'object' && !Array.isArray(p);

// Any non-empty token is accepted and names the user: the reference has no
// accounts, and the load generator gives each user its own token.
io.use((socket, next) => {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  if (typeof token !== 'string' || token === '') {
    const err = new Error('unauthorized');
    err.data = { code: 'UNAUTHORIZED' };
    next(err);
    return;
  }
  socket.data.user = { id: token, username: token, displayName: token, kind: 'human' };
  next();
});

io.on('connection', (socket) => {
  const user = socket.data.user;
  const chans = [userChannel(user.id)];
  for (const r of memberships.get(user.id) || []) chans.push(roomChannel(r));
  socket.join(chans);

  socket.on('room:join', (p, ack) => {
    if (typeof ack !== 'function') ack = () => {};
    if (!isObject(p) || typeof p.room !== 'string' || p.room === '') {
      fail(ack, 'BAD_REQUEST', 'room is required');
      return;
    }
    if (!rooms.has(p.room)) rooms.set(p.room, { lastSeq: 0 });
    let mine = memberships.get(user.id);
    if (!mine) {
      mine = new Set();
      memberships.set(user.id, mine);
    }
    mine.add(p.room);
    // Every socket of the user, as Parley's JoinRoom does.
    io.in(userChannel(user.id)).socketsJoin(roomChannel(p.room));
    ack({ ok: true, room: { id: p.room }, members: [] });
  });

  socket.on('message:send', (p, ack) => {
    const received = Date.now();
    if (typeof ack !== 'function') ack = () => {};
    if (!isObject(p) || typeof p.room !== 'string' || typeof p.text !== 'string' ||
        typeof p.clientMsgId !== 'string') {
      fail(ack, 'BAD_REQUEST', 'room, text and clientMsgId are required');
      return;
    }
    const text = p.text.trim();
    if (text === '') {
      fail(ack, 'BAD_REQUEST', 'text is empty');
      return;
    }
    if ([...text].length > maxText) {
      fail(ack, 'TOO_LARGE', 'text is too long');
      return;
    }
    if (p.clientMsgId === '' || Buffer.byteLength(p.clientMsgId) > 128) {
      fail(ack, 'BAD_REQUEST', 'clientMsgId must be 1-128 bytes');
      return;
    }
    const room = rooms.get(p.room);
    if (!room) {
      fail(ack, 'NOT_FOUND', 'no such room');
      return;
    }
    const mine = memberships.get(user.id);
    if (!mine || !mine.has(p.room)) {
      fail(ack, 'FORBIDDEN', 'not a member of this room');
      return;
    }
    room.lastSeq += 1;
    const message = {
      id: newId(),
      room: p.room,
      seq: room.lastSeq,
      sender: user,
      text,
      mentions: [],
      clientMsgId: p.clientMsgId,
      createdAt: new Date(received).toISOString(),
    };
    ack({ ok: true, message });
    io.to(roomChannel(p.room)).emit('message', message);
  });
});

httpServer.listen(port, host, () => {
  const a = httpServer.address();
  console.log(`reference listening addr=${a.address}:${a.port}`);
});

function stop() {
  io.close();
  httpServer.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
