// The reference figure for bench/tokenizer_speed.sh: Hugging Face's JavaScript tokenizer
// encoding the same text, best of five runs after a warm-up (its word cache warm, as ours is).
// usage: node speed.mjs MODEL_FOLDER TEXT_FILE
import { Tokenizer } from "@huggingface/tokenizers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [folder, file] = process.argv.slice(2);
const reference = new Tokenizer(JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf8")),
  JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8")));
const text = readFileSync(file, "utf8");
const bytes = Buffer.byteLength(text);
let tokens = reference.encode(text, { add_special_tokens: false }).ids.length;
let best = Infinity;
for (let run = 0; run < 5; ++run) {
  const start = process.hrtime.bigint();
  tokens = reference.encode(text, { add_special_tokens: false }).ids.length;
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
console.log(`reference (@huggingface/tokenizers, JavaScript): ${(bytes / best / 1048576).toFixed(1)} MiB/s, ${tokens} tokens`);
