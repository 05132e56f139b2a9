#!/usr/bin/env bash
# The HTML report in a real browser: Debian's headless Chromium opens the report of the quickstart
# suite, of a 3-axis sweep and of a profile sweep, all on the built-in mock, and
# tests/report/check_report.mjs checks it (no console error, no network request, a verdict row
# and a point in every sweep chart per case, each case's distributions and timeline). Each
# report's screenshot is kept beside it, in build/report-check/<suite>/report.png.
#   usage: bash tests/report/run.sh [SERVEBENCH]
set -euo pipefail
cd "$(dirname "$0")/../.."
sb=${1:-build/servebench}
command -v chromium >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
out=build/report-check
rm -rf "$out"
mkdir -p "$out"
cat >"$out/sweep3.yaml" <<'YAML'
suite: sweep3
server: {url: mock, mock: {ttft_ms: 5, itl_ms: 1}}
defaults: {model: m, streaming: true, request_count: 4, extra_inputs: {ignore_eos: true}, repetitions: 2}
matrix:
  concurrency: [1, 2, 4]
  isl: [16, 64]
  osl: [4, 8]
YAML
# Two repetitions against the shipped five-repetition baseline may well FAIL: any verdict will do.
status=0
"$sb" run suites/quickstart.yaml --repetitions 2 --out "$out/quickstart" --progress none \
  >"$out/quickstart.log" 2>&1 || status=$?
[[ $status == 0 || $status == 1 || $status == 3 ]] || { cat "$out/quickstart.log"; exit 1; }
"$sb" run "$out/sweep3.yaml" --out "$out/sweep3" --progress none >"$out/sweep3.log" 2>&1 || { cat "$out/sweep3.log"; exit 1; }
# A profile sweep writes the same report over its profiles.
"$sb" profile --model m --url mock --mock-ttft-ms 5 --mock-itl-ms 1 --streaming --concurrency 1,2,4 \
  --isl 16,64 --osl 4 --request-count 4 --extra-inputs ignore_eos:true \
  --goodput time_to_first_token:1000 --artifact-dir "$out/profile-sweep" >"$out/profile-sweep.log" 2>&1 ||
  { cat "$out/profile-sweep.log"; exit 1; }
for suite in quickstart sweep3 profile-sweep; do
  node tests/report/check_report.mjs "$out/$suite/report.html" "$out/$suite/report.png"
done
