#!/usr/bin/env node
// Parley weather service: a service client that offers the `weather` skill
// to Parley's assistant. It trades its app id and secret for a short-lived
// token (POST /api/services/token), connects with the official Socket.IO
// client, registers the skill, and answers each `skill:request` through the
// event's acknowledgement with a message of the same shape:
// {from, to, subject, content, type, createTime}.
//
//   PARLEY_URL=http://localhost:8080 PARLEY_APP_ID=weather PARLEY_APP_SECRET=... node index.js
//
// The server must know the service: PARLEY_SERVICES=weather:<secret>.

import { io } from "socket.io-client";
import { forecast } from "./forecast.js";

const url = process.env.PARLEY_URL ?? "http://localhost:8080";
const appId = process.env.PARLEY_APP_ID ?? "weather";
const secret = process.env.PARLEY_APP_SECRET;
if (!secret) {
  console.error("PARLEY_APP_SECRET is required (the secret given to the server in PARLEY_SERVICES)");
  process.exit(2);
}

async function token() {
  const res = await fetch(`${url}/api/services/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ appId, secret }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`token: ${res.status} ${body?.error?.message ?? ""}`);
  return body.token;
}

const skill = {
  name: "weather",
  aliases: ["天气", "forecast"],
  description: { en: "the weather in a city (demo data)", zh: "城市天气（演示数据）" },
  slots: [{ name: "city", label: { en: "city", zh: "城市" } }],
};

// auth as a function: every (re)connection fetches a fresh token, so the
// service outlives its tokens.
const socket = io(url, {
  auth: (cb) => token().then((t) => cb({ token: t }), (err) => {
    console.error(err.message);
    cb({ token: "" });
  }),
});

socket.on("connect", () => {
  socket.emit("skill:register", skill, (ack) => {
    if (ack?.ok) console.log(`registered skill ${ack.skill} as ${appId}`);
    else console.error("register failed:", ack?.error);
  });
});

socket.on("skill:request", (req, ack) => {
  const city = req?.slots?.city || req?.content || "";
  ack({
    from: appId,
    to: req?.from ?? "",
    subject: req?.subject ?? skill.name,
    content: city ? forecast(city, req?.lang) : "Which city?",
    type: "skill.reply",
    createTime: Date.now(),
  });
});

// A refused handshake (the server was restarting, the token could not be
// fetched) stops socket.io-client's own reconnection: retry by hand.
let backoff = 1000;
socket.on("connect_error", (err) => {
  console.error("connect error:", err.message);
  if (!socket.active) {
    setTimeout(() => socket.connect(), backoff);
    backoff = Math.min(backoff * 2, 30_000);
  }
});
socket.on("connect", () => (backoff = 1000));
socket.on("disconnect", (reason) => console.log("disconnected:", reason));

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    socket.close();
    process.exit(0);
  });
}
