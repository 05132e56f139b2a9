#!/usr/bin/env bash
# The main job: installs, builds in Release, and runs servebench against its built-in mock.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"${JOBS:-2}"
log=$(mktemp)
build/servebench mock --port 0 --ttft-ms 50 --itl-ms 10 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[0-9.:]*' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.05
done
echo "== a streamed chat completion from the built-in mock at $url"
curl -sN "$url/v1/chat/completions" -H 'Content-Type: application/json' \
  -d '{"model":"mock-model","messages":[{"role":"user","content":"Hello"}],"stream":true,
       "max_completion_tokens":8,"ignore_eos":true,"stream_options":{"include_usage":true}}'
