#!/usr/bin/env bash
# Builds and runs every test. Two configurations, each built once (unity batches; ccache keeps
# objects across runs, so a rebuild compiles only what changed):
#   Release (g++): the unit and end-to-end tests, the tokenizer oracle against Hugging Face's
#   reference, the benchmarks once as a smoke test, the OpenAI SDK check, the HTML report in
#   headless Chromium, the real llama.cpp engine tier and the comparison with AIPerf 0.13.
#   ASan + UBSan (clang, with libFuzzer's coverage instrumentation): the same tests, then each
#   fuzz target for FUZZ_SECONDS (default 10; scripts/fuzz.sh runs them for longer). clang links
#   the sanitizer runtimes statically, so the mock's own HTTP server runs under them that way.
# bash scripts/test.sh --quick: the Release build and its tests only, for the edit loop.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = --quick ] && quick=true
started=$SECONDS
stage() { echo "== $1 ($((SECONDS - started)) s)"; }
bash scripts/install-deps.sh
jobs=${JOBS:-2}
cache=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

if ! $quick; then
  # The peers install from npm, PyPI and Debian (network, mostly) while the code compiles.
  mkdir -p build
  (bash tests/aiperf/install.sh && bash tests/tokenizers/run.sh --install-only &&
    bash tests/engine_tier/run.sh --install-only &&
    { command -v chromium || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }) \
    >build/peers-install.log 2>&1 &
  peers=$!
fi

stage "Release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${cache[@]}" >/dev/null
cmake --build build -j"$jobs"
clang-format --dry-run --Werror $(git ls-files '*.cc' '*.h')
stage "Release tests"
(cd build && ctest --output-on-failure -j"$jobs")
if $quick; then
  stage "done"
  exit 0
fi

# The sanitizer build compiles while the peer checks run: they wait on servers and browsers
# more than they compute.
stage "ASan + UBSan build, beside the peer checks"
CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DSERVEBENCH_SANITIZE=ON -DSERVEBENCH_FUZZ=ON \
  -DSERVEBENCH_BENCH=OFF "${cache[@]}" >/dev/null
cmake --build build-sanitize -j"$jobs" >build/sanitize-build.log 2>&1 &
sanitize_build=$!
wait $peers || { cat build/peers-install.log; exit 1; }
bash tests/tokenizers/run.sh build/servebench
build/servebench_bench --benchmark_min_time=0.01 >/dev/null
bash tests/sdk/run.sh build/servebench
bash tests/report/run.sh build/servebench
bash tests/engine_tier/run.sh build/servebench build/testdata/tiny.model
bash tests/aiperf/run.sh build/servebench
stage "peer checks done"
wait $sanitize_build || { tail -50 build/sanitize-build.log; exit 1; }

stage "ASan + UBSan tests"
# Under ASan the client runs several times slower, and the end-to-end tests over loopback share
# two cores with each other: a test that fails there is run once more before it counts (a second
# failure fails). The Release run above gets no second chance.
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" --repeat until-pass:2)
stage "fuzzing"
FUZZ_BUILD=build-sanitize bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
stage "done"
