#!/usr/bin/env bash
# The main job: installs, builds in Release, and profiles the built-in mock server with
# servebench's own client (100 streamed chat requests at concurrency 8, exact ISL/OSL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"${JOBS:-2}"
build/servebench profile --model mock-model --url mock --endpoint-type chat --streaming \
  --concurrency 8 --request-count 100 --isl 128 --osl 50 --tokenizer build/testdata/tiny.model \
  --extra-inputs ignore_eos:true --mock-ttft-ms 50 --mock-itl-ms 10 --random-seed 1 \
  --artifact-dir artifacts/main-job
