#!/usr/bin/env bash
# The main job: installs, builds in Release, and runs the quickstart suite on the built-in mock
# server (4 cases × 5 repetitions), judged against baselines/quickstart.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/configure.sh build -DCMAKE_BUILD_TYPE=Release
CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime cmake --build build -j"${JOBS:-2}"
build/servebench run suites/quickstart.yaml
