#!/usr/bin/env bash
# Replay lag of a trace: 2,000 requests over 20 s (two shared 64-token blocks of one of 20
# documents each, made by `servebench trace`) replayed on the built-in mock with its prefix cache
# on. The lag of each request behind its trace time is read twice: from servebench's records
# (start - scheduled: when it was handed to the transport) and from the mock's send log (when
# the mock had read the whole request, on the same CLOCK_MONOTONIC), against the 1 ms p99 target.
# Also prints the TTFT of cache misses and hits and the prefill the hit saved.
#   usage: bash bench/trace_replay.sh [BUILD_DIR] [ROWS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rows=${2:-2000}
seconds=${3:-20}
work=$(mktemp -d /tmp/servebench-replay-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/servebench" trace --rows "$rows" --duration "$seconds" --block 64 --documents 20 \
  --output-length 8 --seed 3 >"$work/trace.jsonl"
"$build/servebench" profile --model m --streaming --input-file "$work/trace.jsonl" \
  --custom-dataset-type mooncake_trace --isl-block-size 64 \
  --mock-prefix-cache-tokens 1000000 --mock-prefill-us-per-token 200 --mock-ttft-ms 5 \
  --mock-itl-ms 2 --mock-send-log "$work/send.jsonl" --artifact-dir "$work/out" >"$work/console.txt"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
records = {}
for line in open(f"{work}/out/records.jsonl"):
    j = json.loads(line)
    if "id" in j: records[j["id"]] = j
def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]
client = [(r["start_ns"] - r["scheduled_ns"]) / 1e6 for r in records.values()]
server, cold, warm = [], [], []
for line in open(f"{work}/send.jsonl"):
    e = json.loads(line)
    r = records[int(e["request_id"])]
    server.append((e["received_ns"] - r["scheduled_ns"]) / 1e6)
    ttft = r["events"][0][0] / 1e6
    (cold if e.get("cached_tokens", 0) == 0 else warm).append(ttft)
print(f"requests {len(records)}, CPU {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
for name, lag in (("records (start - trace time)", client), ("mock send log (received - trace time)", server)):
    print(f"replay lag, {name}: p50 {pct(lag, 50):.3f} ms, p99 {pct(lag, 99):.3f} ms "
          f"= {pct(lag, 99) / 1.0:.2f} x the 1 ms target, max {max(lag):.3f} ms")
print(f"TTFT p50: cache miss {pct(cold, 50):.2f} ms ({len(cold)} requests), "
      f"hit {pct(warm, 50):.2f} ms ({len(warm)}); difference {pct(cold, 50) - pct(warm, 50):.2f} ms "
      f"(the prefill of 128 cached tokens at 0.2 ms is 25.6 ms)")
PY
grep -E "Cached input token share|Schedule lag" "$work/console.txt" || true
