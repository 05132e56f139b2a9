// Feeds everything the mock serves through the official OpenAI SDK's parsers.
// usage: node check.mjs BASE_URL API_KEY
import assert from "node:assert/strict";
import OpenAI from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0 });
const model = "mock-model";
const messages = [{ role: "user", content: "Say something." }];
let checks = 0;
const pass = (name) => { checks++; console.log(`ok ${checks} - ${name}`); };

{
  const stream = await client.chat.completions.create({
    model, messages, stream: true, max_completion_tokens: 7, ignore_eos: true,
    stream_options: { include_usage: true },
  });
  let text = "", reasoning = "", finish = null, usage = null, chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length === 0) continue;
    const delta = chunk.choices[0].delta;
    text += delta.content ?? "";
    reasoning += delta.reasoning_content ?? "";
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  assert.ok(text.length > 0 && reasoning.length > 0);
  assert.equal(finish, "length");
  assert.equal(usage.completion_tokens, 7 + 2);
  assert.equal(usage.completion_tokens_details.reasoning_tokens, 2);
  pass(`chat stream (${chunks} chunks, usage event)`);
}
{
  const stream = await client.chat.completions.create({ model, messages, stream: true, max_tokens: 3 });
  let usage = null;
  for await (const chunk of stream) usage = chunk.usage ?? usage;
  assert.equal(usage, null);
  pass("chat stream without include_usage has no usage");
}
{
  const reply = await client.chat.completions.create({ model, messages, max_completion_tokens: 5, ignore_eos: true });
  assert.equal(reply.choices[0].message.role, "assistant");
  assert.equal(reply.usage.completion_tokens, 5 + 2);
  pass("chat completion (not streamed)");
}
{
  const stream = await client.completions.create({
    model, prompt: "Once", stream: true, max_tokens: 6, ignore_eos: true,
    stream_options: { include_usage: true },
  });
  let text = "", usage = null;
  for await (const chunk of stream) {
    usage = chunk.usage ?? usage;
    if (chunk.choices.length) text += chunk.choices[0].text;
  }
  assert.ok(text.length > 0);
  assert.equal(usage.completion_tokens, 6);
  pass("completions stream");
}
{
  const reply = await client.completions.create({ model, prompt: "Once", max_tokens: 4, ignore_eos: true });
  assert.equal(reply.usage.completion_tokens, 4);
  pass("completion (not streamed)");
}
{
  const floats = await client.embeddings.create({ model, input: ["a b c", "d e"], encoding_format: "float" });
  const decoded = await client.embeddings.create({ model, input: ["a b c", "d e"] });  // SDK asks base64, decodes
  assert.equal(floats.data.length, 2);
  assert.equal(floats.data[0].embedding.length, 32);
  assert.deepEqual(decoded.data[0].embedding, floats.data[0].embedding.map(Math.fround));
  pass("embeddings, float and base64");
}
{
  const models = await client.models.list();
  assert.equal(models.data[0].id, model);
  pass("models list");
}
{
  const wrong = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: "wrong", maxRetries: 0 });
  await assert.rejects(wrong.chat.completions.create({ model, messages }), (e) => {
    assert.equal(e.status, 401);
    assert.match(e.message, /Incorrect API key/);
    return true;
  });
  pass("error body parsed as an APIError");
}
console.log(`${checks} passed, 0 failed`);
