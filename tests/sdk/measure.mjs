// An outside client (Node's http module, no servebench code) measuring the mock's timing:
// N concurrent streams, first content event after the request was sent and gaps between
// content events, p50 and p99, after one unmeasured round that opens the connections. It also
// checks each chat stream's shape: role delta, content deltas, finish_reason, [DONE].
// Stream starts are spread over the first second (all streams are open together once TOKENS x
// ITL exceeds it): a single-threaded client that sends hundreds of requests in one burst
// measures its own queue, not the server.
// usage: node measure.mjs BASE_URL STREAMS TOKENS
import http from "node:http";

const [base, streamsText, tokensText] = process.argv.slice(2);
const streams = Number(streamsText), tokens = Number(tokensText);
const url = new URL(`${base}/v1/chat/completions`);
const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
const body = JSON.stringify({
  model: "mock-model", messages: [{ role: "user", content: "hi" }], stream: true,
  max_completion_tokens: tokens, ignore_eos: true,
});
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function one() {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const times = [];
    const events = [];
    let buffer = "";
    const req = http.request(url, { method: "POST", agent, headers: { "Content-Type": "application/json" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        const t = nowMs();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          events.push(event);
          if (event.includes('"content":" ')) times.push(t);
        }
      });
      res.on("end", () => resolve({ start, times, events }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const quantile = (v, q) => {
  const s = [...v].sort((a, b) => a - b), i = q * (s.length - 1), lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
// role delta, `tokens` content deltas, a finish_reason chunk, [DONE] (no usage: not asked for).
function shapeIsExact(events) {
  if (events.length !== tokens + 3 || events.at(-1) !== "data: [DONE]") return false;
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
  const delta = (c) => c.choices[0].delta;
  return delta(chunks[0]).role === "assistant" && delta(chunks[0]).content === "" &&
    chunks.slice(1, -1).every((c) => typeof delta(c).content === "string" && c.choices[0].finish_reason === null) &&
    chunks.at(-1).choices[0].finish_reason === "length";
}

const spread = (i) => new Promise((resolve) => setTimeout(resolve, (i * 1000) / streams)).then(one);
await Promise.all(Array.from({ length: streams }, (_, i) => spread(i)));  // opens the connections
const results = await Promise.all(Array.from({ length: streams }, (_, i) => spread(i)));
const first = results.map((r) => r.times[0] - r.start);
const gaps = results.flatMap((r) => r.times.slice(1).map((t, i) => t - r.times[i]));
const shapes = results.every((r) => r.times.length === tokens && shapeIsExact(r.events));
console.log(JSON.stringify({
  streams, first_content_ms: { p50: quantile(first, 0.5), p99: quantile(first, 0.99) },
  gap_ms: { p50: quantile(gaps, 0.5), p99: quantile(gaps, 0.99) }, every_stream_exact: shapes,
}));
agent.destroy();
