// A local stand-in for a paid model API: an HTTP server speaking the
// OpenAI Chat Completions streaming protocol (server-sent events, then
// [DONE]). Tests set .chunks, .gapMs and .status and read .requests;
// .baseURL is what PARLEY_LLM_BASE_URL takes; .close() stops it.

import http from "node:http";

export function startModel({ chunks = ["Hello"], gapMs = 20 } = {}) {
  const model = { chunks, gapMs, status: 200, requests: [], url: null, server: null };
  model.server = http.createServer(async (req, res) => {
    let body = "";
    for await (const part of req) body += part;
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    model.requests.push(parsed);
    if (model.status !== 200) {
      res.writeHead(model.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: "the model is down", type: "server_error" } }));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    const chunk = (delta) => ({
      id: "chatcmpl-e2e", object: "chat.completion.chunk", created: 1, model: parsed.model,
      choices: [{ index: 0, delta: { content: delta }, finish_reason: null }],
    });
    for (const [i, c] of model.chunks.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, model.gapMs));
      res.write(`data: ${JSON.stringify(chunk(c))}\n\n`);
    }
    res.write("data: [DONE]\n\n");
    res.end();
  });
  return new Promise((resolve) => {
    model.server.listen(0, "127.0.0.1", () => {
      model.url = `http://127.0.0.1:${model.server.address().port}`;
      model.baseURL = `${model.url}/v1`;
      model.close = () => new Promise((r) => model.server.close(r));
      resolve(model);
    });
  });
}
