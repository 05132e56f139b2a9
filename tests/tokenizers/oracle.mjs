// Tokenizer oracle: generates strings (mixed scripts, emoji ZWJ sequences, digits, code,
// whitespace runs, every special token inline, invalid UTF-8), tokenizes them with Hugging
// Face's reference JavaScript implementation and with `servebench tokenize --hex-lines`, and
// fails on the first difference in ids or in the decoded text.
// usage: node oracle.mjs SERVEBENCH MODEL_FOLDER COUNT SEED
import { Tokenizer } from "@huggingface/tokenizers";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [servebench, folder, countText, seedText] = process.argv.slice(2);
const count = Number(countText ?? 10000);
const json = JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf8"));
const config = JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8"));
const reference = new Tokenizer(json, config);

// A small deterministic generator (xorshift), so a failure replays from its seed.
let state = BigInt(seedText ?? 1) * 0x9e3779b97f4a7c15n + 1n;
function next() {
  state ^= (state << 13n) & 0xffffffffffffffffn;
  state ^= state >> 7n;
  state ^= (state << 17n) & 0xffffffffffffffffn;
  return Number(state & 0xffffffffn);
}
const pick = (items) => items[next() % items.length];
const range = (lo, hi) => String.fromCodePoint(lo + (next() % (hi - lo + 1)));
const repeat = (n, make) => Array.from({ length: n }, make).join("");

const latin = ["the", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog's", "they're",
  "I'll", "we've", "don't", "HELLO", "naïve", "café", "Straße", "résumé", "Ünïcödé", "coöperate",
  "ﬁnance", "Ⅻ", "x²", "tokenization", "internationalization", "a", "I", "'s", "'T", "'Re"];
const special = json.added_tokens.map((t) => t.content);
const fragments = [
  () => pick(latin),
  () => " " + pick(latin),
  () => repeat(1 + (next() % 4), () => range(0x4e00, 0x9fa5)),        // CJK
  () => repeat(1 + (next() % 4), () => range(0x3040, 0x30ff)),        // kana
  () => repeat(1 + (next() % 6), () => range(0xac00, 0xd7a3)),        // Hangul
  () => repeat(2 + (next() % 6), () => range(0x0621, 0x064a)),        // Arabic
  () => repeat(2 + (next() % 6), () => range(0x0905, 0x0939)) + "\u094d\u0930", // Devanagari
  () => repeat(1 + (next() % 5), () => range(0x0430, 0x044f)),        // Cyrillic
  () => pick(["👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇫🇷", "❤️", "🧑🏿‍🚀", "😀", "🤖", "✌🏻"]),
  () => String(next() % 10 ** (1 + (next() % 9))),
  () => pick(["3.14159", "1,000,000", "2026-11-30", "0x1F", "１２３", "٣٤٥", "१२३"]),
  () => pick(["def f(x):\n    return x**2\n", "for (int i = 0; i < n; ++i) {", "} else {",
    "if x != nil { return err }", "<div class=\"a\">", "SELECT * FROM t WHERE id=1;",
    "#include <stdio.h>", "a->b", "x += 1;", "λx.x", "=> {}", "// comment", "/* c */"]),
  () => pick([" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00a0", "\u3000", "\u2003",
    "\t\t", "    \n", " \u0085 ", "\ufeff", "\u200b", "\u2028"]),
  () => pick(special),
  () => pick(["!", "?", "...", "—", "–", "“quoted”", "«»", "、", "。", "(", ")", "[]", "{}", "''"]),
  () => pick(["e\u0301", "A\u030a", "\u1e9b\u0323", "ｶﾞ", "㍿", "ﬀ", "Å", "Ω"]), // normalization
];
const invalid = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0x80],
  [0xc0, 0xaf], [0xf5, 0x80, 0x80, 0x80], [0xe0, 0x80, 0x80], [0xfe, 0xfe]];

const encoder = new TextEncoder();
function makeBytes(long) {
  const parts = [];
  const n = long ? 300 : 1 + (next() % 12);
  for (let i = 0; i < n; ++i) {
    if (next() % 20 === 0) parts.push(Uint8Array.from(pick(invalid)));
    else parts.push(encoder.encode(pick(fragments)()));
  }
  return Buffer.concat(parts);
}

const cases = [];
for (let i = 0; i < count; ++i) {
  let bytes = makeBytes(i % 100 === 0);  // every hundredth string is a long text
  // Every added token appears inline at least once, between generated text.
  if (i < special.length) bytes = Buffer.concat([bytes, encoder.encode(special[i]), makeBytes(false)]);
  cases.push(bytes);
}
const dir = mkdtempSync(join(tmpdir(), "sb-oracle-"));
try {
  const input = join(dir, "lines.hex");
  writeFileSync(input, cases.map((b) => b.toString("hex")).join("\n") + "\n");
  const output = execFileSync(servebench, ["tokenize", "--tokenizer", folder, "--hex-lines", input],
    { maxBuffer: 1 << 30 }).toString().split("\n");
  // WHATWG: each maximal invalid subpart becomes U+FFFD; a leading BOM is text, kept.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let failures = 0;
  for (let i = 0; i < cases.length; ++i) {
    const text = decoder.decode(cases[i]);
    const expected = reference.encode(text, { add_special_tokens: false }).ids;
    const [idsText, decodedHex] = output[i].split("\t");
    const got = idsText === "" ? [] : idsText.split(" ").map(Number);
    const want = expected.length ? reference.decode(expected, { clean_up_tokenization_spaces: false }) : "";
    const gotText = Buffer.from(decodedHex ?? "", "hex").toString("utf8");
    if (JSON.stringify(got) !== JSON.stringify(expected) || gotText !== want) {
      if (failures++ < 5) {
        console.error(`${folder}: case ${i}: ${JSON.stringify(text)}\n  ids want ${JSON.stringify(expected)}\n  ids got  ${JSON.stringify(got)}` +
          (gotText !== want ? `\n  decode want ${JSON.stringify(want)}\n  decode got  ${JSON.stringify(gotText)}` : ""));
      }
    }
  }
  console.log(`${folder}: ${cases.length - failures}/${cases.length} strings identical to the reference`);
  process.exitCode = failures ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
