#!/usr/bin/env bash
# Builds and runs every test: the Release build (with the tokenizer oracle against Hugging Face's
# reference, the benchmarks run once as a smoke test, the OpenAI SDK compatibility check, the HTML
# report in headless Chromium and the real llama.cpp engine tier), each fuzz target for
# 60 s, then an ASan+UBSan build of the tests, and the mock's HTTP tests with the sanitizer
# runtimes linked statically.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=${JOBS:-2}

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
clang-format --dry-run --Werror $(git ls-files '*.cc' '*.h')
(cd build && ctest --output-on-failure -j"$jobs")
bash tests/tokenizers/run.sh build/servebench
build/servebench_bench --benchmark_min_time=0.01 >/dev/null
bash tests/sdk/run.sh build/servebench
bash tests/report/run.sh build/servebench
bash tests/engine_tier/run.sh build/servebench build/testdata/tiny.model
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSERVEBENCH_SANITIZE=ON -DSERVEBENCH_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
# Under ASan the client runs several times slower, and the end-to-end tests over loopback share
# two cores with each other: a test that fails there is run once more before it counts (a second
# failure fails). The Release run above gets no second chance.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" --repeat until-pass:2)

cmake -S . -B build-static-asan -DCMAKE_BUILD_TYPE=Debug -DSERVEBENCH_SANITIZE=ON -DSERVEBENCH_STATIC_ASAN=ON \
  -DSERVEBENCH_BENCH=OFF >/dev/null
cmake --build build-static-asan -j"$jobs" --target servebench_mock_http_tests
build-static-asan/servebench_mock_http_tests
