#!/usr/bin/env bash
# Bursts of new connections on the mock: N clients connect at once and each streams one reply
# (TTFT set to 50 ms). TTFT is measured from outside, by servebench's client in its own process;
# the mock's CPU per connection comes from /proc. With a second mock binary (an older build),
# both are measured in the same run, side by side.
#   usage: bash bench/mock_burst.sh [BUILD_DIR] [OTHER_SERVEBENCH_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
sb=$build/servebench
other=${2:-}
work=$(mktemp -d /tmp/servebench-burst-XXXXXX)
mock_pid=""
cleanup() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18766
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
burst() {  # burst MOCK_BINARY N: prints "p50 p99 cpu_us_per_connection"
  "$1" mock --port "$port" --ttft-ms 50 --itl-ms 10 >"$work/mock.log" 2>&1 &
  mock_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.1; done
  local before; before=$(cpu_ticks "$mock_pid")
  "$sb" profile --model mock-model --url "http://127.0.0.1:$port" --streaming --isl 16 --osl 4 \
    --extra-inputs ignore_eos:true --concurrency "$2" --request-count "$2" \
    --artifact-dir "$work/run$2" >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; exit 1; }
  local after; after=$(cpu_ticks "$mock_pid")
  kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""
  /usr/bin/python3 - "$work/run$2/profile_export.json" "$2" "$((after - before))" "$ticks" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n, cpu_ticks, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = d["time_to_first_token"]
print(f"{t['p50']:.1f} {t['p99']:.1f} {cpu_ticks / hz * 1e6 / n:.0f} {int(d['request_count']['value'])}")
PY
  rm -rf "$work/run$2"
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
echo "| connections at once | mock | TTFT p50 (ms, set 50) | TTFT p99 (ms) | mock CPU per connection (µs) | ok |"
echo "|---|---|---|---|---|---|"
for n in 100 200 1000; do
  for pair in "this:$sb" ${other:+"other:$other"}; do
    read -r p50 p99 cpu ok < <(burst "${pair#*:}" "$n")
    echo "| $n | ${pair%%:*} | $p50 | $p99 | $cpu | $ok |"
  done
done
