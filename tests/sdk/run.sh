#!/usr/bin/env bash
# Starts the mock, runs the official OpenAI SDK over everything it serves, stops the mock.
# usage: tests/sdk/run.sh path/to/servebench
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
servebench="$(realpath "$1")"
(cd "$here" && [ -d node_modules/openai ] || npm ci --no-audit --no-fund --silent)
log=$(mktemp)
"$servebench" mock --port 0 --ttft-ms 2 --itl-ms 1 --reasoning-tokens 2 --tokens-per-chunk 2 \
  --embedding-dim 32 --model mock-model --api-key sk-sdk-check >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[0-9.:]*' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.05  # waiting for the mock's "listening" line, not synchronising a test
done
[ -n "$url" ] || { echo "mock did not start:"; cat "$log"; exit 1; }
node "$here/check.mjs" "$url" sk-sdk-check
