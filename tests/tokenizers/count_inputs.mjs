// Counts every prompt of a profile run's inputs.json with Hugging Face's reference tokenizer and
// fails unless each is exactly the wanted length.
// usage: node count_inputs.mjs MODEL_FOLDER INPUTS_JSON TOKENS
import { Tokenizer } from "@huggingface/tokenizers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [folder, inputs, wantText] = process.argv.slice(2);
const want = Number(wantText);
const reference = new Tokenizer(JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf8")),
  JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8")));
const payloads = JSON.parse(readFileSync(inputs, "utf8")).payloads;
const counts = payloads.flatMap((p) => p.messages.filter((m) => m.role === "user")
  .map((m) => reference.encode(m.content, { add_special_tokens: false }).ids.length));
const wrong = counts.filter((n) => n !== want);
console.log(`${inputs}: ${counts.length - wrong.length}/${counts.length} prompts are exactly ${want} tokens by the reference`);
process.exitCode = counts.length > 0 && wrong.length === 0 ? 0 : 1;
