// Writes a tiny llama-architecture GGUF with random weights whose vocabulary is the project's
// own sentencepiece model, so a real llama.cpp engine can serve it with nothing downloaded.
//   node make_gguf.mjs VOCAB.tsv OUT.gguf      (VOCAB.tsv from `spm_export_vocab`)
import { readFileSync, writeFileSync } from 'node:fs';

const [vocabPath, outPath] = process.argv.slice(2);
const pieces = readFileSync(vocabPath, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [piece, score] = line.split('\t');
  return { piece, score: Number(score) };
});
// llama.cpp's tokenizer falls back to byte tokens for characters the vocabulary lacks.
const tokens = pieces.map((p) => p.piece);
const scores = pieces.map((p) => p.score);
const types = pieces.map((p) => (p.piece === '<unk>' ? 2 : p.piece === '<s>' || p.piece === '</s>' ? 3 : 1));
for (let b = 0; b < 256; ++b) {
  tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  scores.push(0);
  types.push(6);
}

const dims = { vocab: tokens.length, embd: 64, heads: 4, layers: 1, ff: 128, ctx: 2048 };
const chunks = [];
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); chunks.push(b); };
const i32 = (v) => { const b = Buffer.alloc(4); b.writeInt32LE(v); chunks.push(b); };
const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); chunks.push(b); };
const f32 = (v) => { const b = Buffer.alloc(4); b.writeFloatLE(v); chunks.push(b); };
const str = (s) => { const b = Buffer.from(s, 'utf8'); u64(b.length); chunks.push(b); };

const T = { u32: 4, i32: 5, f32: 6, str: 8, arr: 9 };
const kv = [
  ['general.architecture', T.str, 'llama'],
  ['general.name', T.str, 'servebench-tiny'],
  ['general.alignment', T.u32, 32],
  ['llama.context_length', T.u32, dims.ctx],
  ['llama.embedding_length', T.u32, dims.embd],
  ['llama.block_count', T.u32, dims.layers],
  ['llama.feed_forward_length', T.u32, dims.ff],
  ['llama.attention.head_count', T.u32, dims.heads],
  ['llama.attention.head_count_kv', T.u32, dims.heads],
  ['llama.rope.dimension_count', T.u32, dims.embd / dims.heads],
  ['llama.attention.layer_norm_rms_epsilon', T.f32, 1e-5],
  ['tokenizer.ggml.model', T.str, 'llama'],
  ['tokenizer.ggml.tokens', T.arr, [T.str, tokens]],
  ['tokenizer.ggml.scores', T.arr, [T.f32, scores]],
  ['tokenizer.ggml.token_type', T.arr, [T.i32, types]],
  ['tokenizer.ggml.unknown_token_id', T.u32, 0],
  ['tokenizer.ggml.bos_token_id', T.u32, 1],
  ['tokenizer.ggml.eos_token_id', T.u32, 2],
  ['tokenizer.ggml.add_bos_token', 7, true],
  ['tokenizer.chat_template', T.str,
   "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}{% endfor %}" +
   "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}"],
];
const writeValue = (type, value) => {
  if (type === T.u32) u32(value);
  else if (type === T.i32) i32(value);
  else if (type === T.f32) f32(value);
  else if (type === T.str) str(value);
  else if (type === 7) chunks.push(Buffer.from([value ? 1 : 0]));
  else if (type === T.arr) {
    const [elementType, items] = value;
    u32(elementType);
    u64(items.length);
    for (const item of items) writeValue(elementType, item);
  }
};

// Tensors, all f32, dims as ggml orders them (fastest first).
const { embd, vocab, ff } = dims;
const tensors = [
  ['token_embd.weight', [embd, vocab], 0.5],
  ['output_norm.weight', [embd], 'one'],
  ['output.weight', [embd, vocab], 0.5],
];
for (let l = 0; l < dims.layers; ++l) {
  tensors.push(
    [`blk.${l}.attn_norm.weight`, [embd], 'one'],
    [`blk.${l}.attn_q.weight`, [embd, embd], 0.1],
    [`blk.${l}.attn_k.weight`, [embd, embd], 0.1],
    [`blk.${l}.attn_v.weight`, [embd, embd], 0.1],
    [`blk.${l}.attn_output.weight`, [embd, embd], 0.1],
    [`blk.${l}.ffn_norm.weight`, [embd], 'one'],
    [`blk.${l}.ffn_gate.weight`, [embd, ff], 0.1],
    [`blk.${l}.ffn_up.weight`, [embd, ff], 0.1],
    [`blk.${l}.ffn_down.weight`, [ff, embd], 0.1],
  );
}

// A seeded generator, so the file is the same on every machine.
let state = 0x2545f491;
const random = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 0x100000000;
};

chunks.push(Buffer.from('GGUF'));
u32(3);
u64(tensors.length);
u64(kv.length);
for (const [key, type, value] of kv) {
  str(key);
  u32(type);
  writeValue(type, value);
}
const align = (n) => Math.ceil(n / 32) * 32;
let offset = 0;
const data = [];
for (const [name, shape, scale] of tensors) {
  str(name);
  u32(shape.length);
  for (const d of shape) u64(d);
  u32(0);  // F32
  u64(offset);
  const count = shape.reduce((a, b) => a * b, 1);
  const values = Buffer.alloc(count * 4);
  for (let i = 0; i < count; ++i) {
    values.writeFloatLE(scale === 'one' ? 1 : (random() * 2 - 1) * scale, i * 4);
  }
  const padded = Buffer.alloc(align(values.length));
  values.copy(padded);
  data.push(padded);
  offset += padded.length;
}
const head = Buffer.concat(chunks);
writeFileSync(outPath, Buffer.concat([head, Buffer.alloc(align(head.length) - head.length), ...data]));
console.log(`${outPath}: ${tokens.length} tokens, ${tensors.length} tensors`);
