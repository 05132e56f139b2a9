// servebench against a real llama.cpp engine: each check runs `servebench profile` as a user
// would and reads what it wrote. Prints one line per check and "N passed, M failed".
//   node check.mjs SERVEBENCH BASE_URL TOKENIZER.model WORK_DIR
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [servebench, baseUrl, tokenizer, work] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let runs = 0;

// Runs profile on the engine's /openai prefix; returns its exit status, output and files.
function profile(flags) {
  const dir = join(work, `run-${++runs}`);
  const args = ['profile', '--model', 'tiny', '--url', `${baseUrl}/openai`, '--streaming',
    '--tokenizer', tokenizer, '--request-timeout-seconds', '120', '--artifact-dir', dir, ...flags];
  const r = spawnSync(servebench, args, { encoding: 'utf8', timeout: 600_000 });
  const read = (name) => {
    try { return readFileSync(join(dir, name), 'utf8'); } catch { return ''; }
  };
  const lines = read('profile_export.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const json = read('profile_export.json');
  return { status: r.status, output: `${r.stdout}${r.stderr}`, lines, export: json ? JSON.parse(json) : {} };
}

function check(name, ok, detail) {
  if (ok) {
    ++passed;
    console.log(`ok   ${name}`);
  } else {
    ++failed;
    console.log(`FAIL ${name}: ${detail}`);
  }
}

const value = (line, metric) => line.metrics[metric]?.value;
const fixed = (n) => (typeof n === 'number' ? n.toFixed(2) : '-');

// 1. Default flags: the engine ignores max_completion_tokens; the probe finds that out.
const capped = profile(['--osl', '12', '--isl', '24', '--request-count', '3']);
check('the run succeeds with default flags', capped.status === 0, capped.output);
check('the probe chose max_tokens and said so',
  capped.output.includes('output caps are sent as max_tokens') &&
    capped.export.input_config?.max_tokens_field_used === 'max_tokens', capped.output);
check('the output cap held on every request',
  capped.lines.length === 3 && capped.lines.every((l) => value(l, 'output_sequence_length') <= 12 &&
    value(l, 'output_sequence_length') >= 1), JSON.stringify(capped.lines.map((l) => l.metrics)));
// The probe is harmless to a one-slot engine that goes on generating after the client leaves:
// it carries max_tokens 3 besides max_completion_tokens 2, so the engine stops at 3 and the
// slot is free for the run's first request.
check('the probe stopped at its max_tokens of 3', capped.output.includes('got 3 tokens'),
  capped.output);
check('OSL equals the cap on every request',
  capped.lines.length === 3 && capped.lines.every((l) => value(l, 'output_sequence_length') === 12),
  JSON.stringify(capped.lines.map((l) => value(l, 'output_sequence_length'))));
const firstRequest = [...capped.lines].sort((a, b) => a.metadata.start_ns - b.metadata.start_ns)[0];
check('the first request after the probe is served at once (TTFT under 1 s)',
  firstRequest !== undefined && value(firstRequest, 'time_to_first_token') < 1000,
  JSON.stringify(firstRequest?.metrics));
// 2. Usage rides on the finish_reason chunk: found, so OSL is the server's count.
check('usage was found on the finish chunk of every request',
  !capped.output.includes('carried no usage') &&
    capped.lines.every((l) => value(l, 'server_input_sequence_length') !== undefined), capped.output);
// 3. ISL is the client tokenizer's count; the server's prompt_tokens adds the chat template
// (and is 0 when its session cache reused the whole prompt).
const serverIsl = capped.lines.map((l) => value(l, 'server_input_sequence_length'));
check('ISL is the client tokenizer count; the server counts the template too',
  capped.lines.every((l) => value(l, 'input_sequence_length') === 24) &&
    serverIsl.some((n) => n > 24) && serverIsl.every((n) => n === 0 || n > 24),
  JSON.stringify(capped.lines.map((l) => [value(l, 'input_sequence_length'), value(l, 'server_input_sequence_length')])));
check('TTFT and ITL are measured', capped.lines.every((l) => value(l, 'time_to_first_token') > 0 &&
  value(l, 'inter_token_latency') > 0), JSON.stringify(capped.lines.map((l) => l.metrics)));

const e = capped.export;
console.log(`figures: TTFT p50 ${fixed(e.time_to_first_token?.p50)} ms, ITL p50 ` +
  `${fixed(e.inter_token_latency?.p50)} ms, request latency p50 ${fixed(e.request_latency?.p50)} ms, ` +
  `OSL ${capped.lines.map((l) => value(l, 'output_sequence_length')).join('/')} for a cap of 12, ` +
  `server prompt_tokens ${serverIsl.join('/')} for ISL 24`);

// 4. Completions stream no usage here: the client tokenizer counts, and the console says so.
const completions = profile(['--endpoint-type', 'completions', '--osl', '6', '--isl', '16',
  '--request-count', '2']);
check('streaming completions succeed, counted by the client tokenizer',
  completions.status === 0 && completions.output.includes('carried no usage') &&
    completions.lines.every((l) => value(l, 'output_sequence_length') > 0), completions.output);

// 5. A clean finish with nothing in it (a stop string matches the first token) is
// empty_response, not a broken stream.
const everyFirstCharacter = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ ', '\ufffd'];
const empty = profile(['--osl', '8', '--isl', '16', '--request-count', '2', '--extra-inputs',
  JSON.stringify({ stop: everyFirstCharacter })]);
check('an empty reply is empty_response',
  empty.status === 1 && empty.lines.length === 2 &&
    empty.lines.every((l) => l.error?.type === 'empty_response'), empty.output);

// 6. Cancelled requests free the engine: the next run is served.
const cancelled = profile(['--osl', '1500', '--isl', '16', '--request-count', '2',
  '--request-cancellation-rate', '100', '--request-cancellation-delay', '0.5',
  '--max-tokens-field', 'max_tokens']);
check('cancelled requests are recorded as 499',
  cancelled.lines.length === 2 && cancelled.lines.every((l) => l.error?.code === 499), cancelled.output);
const after = profile(['--osl', '4', '--isl', '16', '--request-count', '2']);
check('after cancellation the engine serves the next requests', after.status === 0, after.output);

// 7. Multi-turn sessions: every turn carries the history with the engine's live replies.
const chats = join(work, 'chats.jsonl');
writeFileSync(chats, [0, 1].map((s) => JSON.stringify({ session_id: `chat-${s}`, turns: [
  { role: 'system', text: 'answer briefly' }, { text: 'one two three', output_length: 6 },
  { text: 'four five', output_length: 6, delay: 50 }, { text: 'six', output_length: 6, delay: 50 }] }))
  .join('\n') + '\n');
const sessions = profile(['--input-file', chats, '--custom-dataset-type', 'multi_turn',
  '--concurrency', '2', '--max-tokens-field', 'max_tokens']);
const turnsOf = (name) => sessions.lines.filter((l) => l.metadata.conversation_id === name)
  .map((l) => l.metadata.turn_index).sort().join(',');
check('multi-turn sessions run every turn in order',
  sessions.status === 0 && sessions.lines.length === 6 && turnsOf('chat-0') === '0,1,2' &&
    turnsOf('chat-1') === '0,1,2' && sessions.lines.every((l) => !l.error),
  sessions.output);
check('TTFT is reported per turn', sessions.export.time_to_first_token_by_turn?.length === 3,
  JSON.stringify(sessions.export.time_to_first_token_by_turn));

// 8. A trace with shared hash ids, replayed on its clock.
const trace = join(work, 'trace.jsonl');
writeFileSync(trace, [0, 0, 300, 600].map((t, i) => JSON.stringify({ timestamp: t,
  input_length: 40, hash_ids: [7, 8, 100 + i], output_length: 4 })).join('\n') + '\n');
const replay = profile(['--input-file', trace, '--custom-dataset-type', 'mooncake_trace',
  '--isl-block-size', '16', '--max-tokens-field', 'max_tokens']);
check('a trace replays on its clock', replay.status === 0 && replay.lines.length === 4 &&
  replay.lines.every((l) => !l.error && value(l, 'input_sequence_length') === 40) &&
  replay.output.includes('trace replay of 4 requests'), replay.output);

// 9. --tokenizer server on a server without /tokenize (this one has none): one line, exit 2,
// and no run.
const noTokenize = spawnSync(servebench, ['profile', '--model', 'tiny', '--url', `${baseUrl}/openai`,
  '--tokenizer', 'server', '--max-tokens-field', 'max_tokens', '--request-count', '2',
  '--artifact-dir', join(work, 'no-tokenize')], { encoding: 'utf8', timeout: 600_000 });
check('--tokenizer server without /tokenize stops the run in one line',
  noTokenize.status === 2 && /^--tokenizer server: .*\/tokenize answered HTTP 404/.test(noTokenize.stderr) &&
    noTokenize.stderr.trim().split('\n').length === 1, noTokenize.stderr);

// 10. A profile sweep: one profile per concurrency, then one report over them, per-case
// distributions and timelines drawn from the engine's own requests.
const sweepDir = join(work, 'sweep');
const sweep = spawnSync(servebench, ['profile', '--model', 'tiny', '--url', `${baseUrl}/openai`,
  '--streaming', '--tokenizer', tokenizer, '--max-tokens-field', 'max_tokens', '--osl', '4',
  '--isl', '16', '--request-count', '2', '--concurrency', '1,2', '--artifact-dir', sweepDir],
{ encoding: 'utf8', timeout: 600_000 });
const readIn = (name) => {
  try { return readFileSync(join(sweepDir, name), 'utf8'); } catch { return ''; }
};
const sweepCases = (JSON.parse(readIn('results.json') || '{"benchmarks":[]}').benchmarks)
  .filter((b) => b.run_type === 'iteration' && b.label?.startsWith('{'));
const sweepPage = readIn('report.html');
check('a profile sweep runs each concurrency and reports them on one page',
  sweep.status === 0 && sweepCases.map((b) => b.run_name).join(' ') ===
    'profile/chat/concurrency:1 profile/chat/concurrency:2' &&
    sweepCases.every((b) => b.request_count === 2) &&
    sweepPage.includes('<h2>Sweep: against concurrency</h2>') &&
    sweepPage.split('class="chart detail timeline"').length === 3,
  `${sweep.stdout}${sweep.stderr}`);

console.log(`engine tier: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
