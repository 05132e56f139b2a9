#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan + UBSan) and runs each for SECONDS
# (default 60) from its corpus in fuzz/corpus/<target>; new inputs go to a scratch folder, so
# the corpora in the repo change only by hand. A finding is saved under build-fuzz/findings/
# and fails the script.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. bash scripts/fuzz.sh 600 chunk_scanner
# FUZZ_BUILD=DIR uses a build folder configured already with -DSERVEBENCH_FUZZ=ON (scripts/test.sh
# passes its sanitizer build, whose libraries carry libFuzzer's coverage instrumentation).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(sse_framer chunk_scanner suite_loader wire_bodies mock_request mock_http input_file
  tokenizer_json records_file http1_response)

build=${FUZZ_BUILD:-build-fuzz}
if [ -z "${FUZZ_BUILD:-}" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSERVEBENCH_FUZZ=ON -DSERVEBENCH_TESTS=OFF -DSERVEBENCH_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}"
mkdir -p "$build"/findings

# One target on each core at a time.
fuzz_one() {
  local t=$1 scratch log
  scratch=$(mktemp -d)
  log=$build/findings/$t.log
  if "$build"/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build"/findings/"$t"- \
    "$scratch" fuzz/corpus/"$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz $t: ${seconds} s, $runs inputs, $rate per second, no finding"
  else
    echo "fuzz $t: FINDING (see $log and $build/findings/$t-*)"
    grep -m5 -E "ERROR|SUMMARY|what\(\)" "$log" || true
    rm -rf "$scratch"
    return 1
  fi
  rm -rf "$scratch"
}
status=0
pids=()
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  pids+=($!)
  if ((${#pids[@]} >= ${JOBS:-2})); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
