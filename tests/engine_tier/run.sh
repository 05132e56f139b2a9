#!/usr/bin/env bash
# The real-engine tier: a real llama.cpp engine (npm node-llama-cpp, whose Linux x64 binary comes
# inside the package) behind inference-server's OpenAI-compatible API, serving a tiny GGUF this
# script writes from the project's own tokenizer with random weights. Nothing else is downloaded.
# usage: tests/engine_tier/run.sh path/to/servebench path/to/tiny.model
#        tests/engine_tier/run.sh --install-only   (the npm packages alone)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# Peer dependencies (transformers.js, gpt4all, stable-diffusion) are other engines: not wanted.
# No install scripts: the engine's prebuilt binary is a package of its own.
(cd "$here" && [ -d node_modules/node-llama-cpp ] ||
  npm ci --legacy-peer-deps --ignore-scripts --no-audit --no-fund --silent)
[ "$1" = --install-only ] && exit 0
servebench="$(realpath "$1")"
tokenizer="$(realpath "$2")"
work=$(mktemp -d)
spm_export_vocab --model="$tokenizer" --output="$work/vocab.tsv" 2>/dev/null
node "$here/make_gguf.mjs" "$work/vocab.tsv" "$work/tiny.gguf"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
node "$here/serve.mjs" "$work/tiny.gguf" "$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  grep -q "^ready" "$work/server.log" && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1  # waiting for the server's "ready" line, not synchronising a test
done
grep -q "^ready" "$work/server.log" || { echo "engine did not start:"; cat "$work/server.log"; exit 1; }
node "$here/check.mjs" "$servebench" "http://127.0.0.1:$port" "$tokenizer" "$work"
