#!/usr/bin/env bash
# Bursts of new connections on the mock (TTFT set to 50 ms): N clients connect at once and each
# streams one reply. TTFT is measured from outside by bench/mock_burst_client (plain sockets,
# one epoll loop: from each request's send to its first token); the mock's CPU per connection
# (accept, request, a 4-token stream) comes from /proc. With a second servebench binary (an
# older build), both mocks are measured in the same run, side by side.
#   usage: bash bench/mock_burst.sh [BUILD_DIR] [OTHER_SERVEBENCH_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
other=${2:-}
work=$(mktemp -d /tmp/servebench-burst-XXXXXX)
mock_pid=""
cleanup() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18766
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
burst() {  # burst SERVEBENCH N: prints "p50 p99 cpu_us_per_connection"
  "$1" mock --port "$port" --ttft-ms 50 --itl-ms 10 >"$work/mock.log" 2>&1 &
  mock_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.1; done
  local before after p50 p99
  before=$(cpu_ticks "$mock_pid")
  read -r p50 p99 < <("$build/mock_burst_client" "$port" "$2")
  after=$(cpu_ticks "$mock_pid")
  kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""
  echo "$p50 $p99 $(( (after - before) * 1000000 / ticks / $2 ))"
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
echo "| connections at once | mock | TTFT p50 (ms, set 50) | TTFT p99 (ms) | mock CPU per connection (µs) |"
echo "|---|---|---|---|---|"
for n in ${SIZES:-100 200 1000}; do
  for pair in "this:$build/servebench" ${other:+"other:$other"}; do
    read -r p50 p99 cpu < <(burst "${pair#*:}" "$n")
    echo "| $n | ${pair%%:*} | $p50 | $p99 | $cpu |"
  done
done
