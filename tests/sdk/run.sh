#!/usr/bin/env bash
# Starts the mock, runs the official OpenAI SDK over everything it serves, stops the mock.
# usage: tests/sdk/run.sh path/to/servebench
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
servebench="$(realpath "$1")"
(cd "$here" && [ -d node_modules/openai ] || npm ci --no-audit --no-fund --silent)
log=$(mktemp)
trap 'kill ${mock_pid:-} 2>/dev/null; rm -f "$log"' EXIT
source "$here/../support/start_mock.sh"
start_mock "$log" "$servebench" --ttft-ms 2 --itl-ms 1 --reasoning-tokens 2 --tokens-per-chunk 2 \
  --embedding-dim 32 --model mock-model --api-key sk-sdk-check
node "$here/check.mjs" "$url" sk-sdk-check
