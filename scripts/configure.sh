#!/usr/bin/env bash
# Configures a build folder: Ninja for a new one (it compiles every library's sources as soon as
# their headers are there, where make waits for each library below to finish), the generator it
# has for an existing one. ccache caches the objects across clones and runs (with the precompiled
# headers, the callers set CCACHE_SLOPPINESS=pch_defines,time_macros,... for it to hit).
#   bash scripts/configure.sh DIR [CMAKE ARGS...]
set -euo pipefail
dir=$1
shift
generator=()
[ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
