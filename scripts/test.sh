#!/usr/bin/env bash
# Builds and runs every test. Two configurations, each built once (Ninja, unity batches,
# precompiled headers; ccache keeps objects across runs, so a rebuild compiles only what changed):
#   Release (g++): the unit and end-to-end tests, the tokenizer oracle against Hugging Face's
#   reference, the benchmarks once as a smoke test, the OpenAI SDK check, the HTML report in
#   headless Chromium, the real llama.cpp engine tier and the comparison with AIPerf 0.13.
#   ASan + UBSan (clang, unoptimised, with libFuzzer's coverage instrumentation): the same tests,
#   and beside them each fuzz target for FUZZ_SECONDS (default 5; scripts/fuzz.sh runs them
#   for longer). clang links
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
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime

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
bash scripts/configure.sh build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
clang-format --dry-run --Werror $(git ls-files '*.cc' '*.h')
if $quick; then
  stage "Release tests"
  (cd build && ctest --output-on-failure -j"$jobs")
  stage "done"
  exit 0
fi

# The sanitizer build compiles at the lowest priority beside the Release tests and the peer
# checks, on the cycles they leave: they wait on servers, clocks and browsers more than they
# compute, and the tests keep the cores whenever they want them.
stage "Release tests, beside the ASan + UBSan build"
CC=clang CXX=clang++ bash scripts/configure.sh build-sanitize -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DSERVEBENCH_SANITIZE=ON -DSERVEBENCH_FUZZ=ON \
  -DSERVEBENCH_BENCH=OFF
nice -n 19 cmake --build build-sanitize -j"$jobs" >build/sanitize-build.log 2>&1 &
sanitize_build=$!
(cd build && ctest --output-on-failure -j"$jobs")
stage "peer checks"
wait $peers || { cat build/peers-install.log; exit 1; }
bash tests/tokenizers/run.sh build/servebench
build/servebench_bench --benchmark_min_time=0.01 >/dev/null
bash tests/sdk/run.sh build/servebench
bash tests/report/run.sh build/servebench
bash tests/engine_tier/run.sh build/servebench build/testdata/tiny.model
bash tests/aiperf/run.sh build/servebench
stage "peer checks done"
wait $sanitize_build || { tail -50 build/sanitize-build.log; exit 1; }

# The fuzz smoke (each target for FUZZ_SECONDS of wall time, from its corpus) runs at the lowest
# priority beside the ASan tests.
stage "ASan + UBSan tests, beside the fuzzing"
FUZZ_BUILD=build-sanitize nice -n 19 bash scripts/fuzz.sh "${FUZZ_SECONDS:-5}" >build/fuzz.log 2>&1 &
fuzzing=$!
# Under ASan the client runs several times slower, and the end-to-end tests over loopback share
# two cores with each other: a test that fails there is run once more before it counts (a second
# failure fails). The Release run above gets no second chance.
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" --repeat until-pass:2)
fuzz_status=0
wait $fuzzing || fuzz_status=$?
cat build/fuzz.log
[ "$fuzz_status" = 0 ] || exit 1
stage "done"
