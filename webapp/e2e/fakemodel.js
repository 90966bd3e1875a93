// A stand-in for an OpenAI-compatible model: POST /v1/chat/completions
// answers with server-sent-event chunks, gapMs apart, then [DONE].
import http from "node:http";

export async function startFakeModel(chunks, { gapMs = 120 } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      requests.push(JSON.parse(body || "{}"));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const send = (v) => res.write(`data: ${JSON.stringify(v)}\n\n`);
      for (const c of chunks) {
        send({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "fake", choices: [{ index: 0, delta: { content: c }, finish_reason: null }] });
        await new Promise((r) => setTimeout(r, gapMs));
      }
      send({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "fake", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}
