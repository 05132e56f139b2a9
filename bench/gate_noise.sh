#!/usr/bin/env bash
# Gate noise: `tolerance: auto` beside the fixed 10 % of the quickstart suite, on a machine with
# one core kept busy. Records a baseline, re-runs the suite unchanged RUNS times (default 10),
# then once with TTFT 25 % slower, and judges every run by both gate styles (servebench compare
# --gates: one measurement, two judgments). Prints one table. About a minute a run on 2 cores.
#   usage: bash bench/gate_noise.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-10}
sb=$build/servebench
[[ -x $sb ]] || { echo "build first: cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build -j2" >&2; exit 2; }
work=$(mktemp -d /tmp/servebench-gate-noise-XXXXXX)
busy=""
cleanup() { [[ -n $busy ]] && kill "$busy" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cp suites/quickstart.yaml "$work/fixed.yaml"
sed 's/tolerance: 10%/tolerance: auto/' suites/quickstart.yaml >"$work/auto.yaml"
sh -c 'while :; do :; done' &
busy=$!

run() {  # run NAME [ENV...]: the auto suite (its gates do not change what is measured)
  local name=$1; shift
  env "$@" "$sb" run "$work/auto.yaml" --out "$work/$name" --baseline "$work/base.json" \
    ${update:-} >"$work/$name.log" 2>&1 || true
}
judge() {  # judge NAME STYLE: the suite's verdict by compare (PASS, INCONCLUSIVE, FAIL...)
  "$sb" compare "$work/base.json" "$work/$1/results.json" --gates "$work/$2.yaml" \
    >"$work/$1.$2.txt" 2>&1 || true
  sed -n 's/^suite [a-z0-9_-]*: \([A-Z]*\).*/\1/p' "$work/$1.$2.txt" | tail -1
}

update=--update-baseline run base
[[ -f $work/base.json ]] || { echo "the baseline run failed: $(tail -3 "$work/base.log")" >&2; exit 1; }
declare -A verdicts=([fixed]="" [auto]="")
for i in $(seq "$runs"); do
  run "same-$i"
  for style in fixed auto; do verdicts[$style]+="$(judge "same-$i" $style) "; done
done
run slower MOCK_TTFT_MS=50

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
echo "CPU: $cpu ($(nproc) cores, one kept busy)"
printf '%-16s %-40s %s\n' "gates" "verdicts of $runs unchanged re-runs" "TTFT +25 %"
for style in fixed auto; do
  counts=$(tr ' ' '\n' <<<"${verdicts[$style]}" | grep . | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')
  printf '%-16s %-40s %s\n' "$([[ $style == fixed ]] && echo 'tolerance: 10%' || echo 'tolerance: auto')" \
    "${counts%, }" "$(judge slower $style)"
done
echo "the regression's TTFT gates under tolerance: auto:"
grep -h "time_to_first_token.p50:" "$work/slower.auto.txt" | head -4 || true
