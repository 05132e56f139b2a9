#!/usr/bin/env bash
# Installs aiperf==0.13.0 from PyPI into a virtual environment (once): the peer tests/aiperf/run.sh
# compares servebench's files with. Prints the environment's folder.
set -euo pipefail
venv="${SERVEBENCH_AIPERF_VENV:-$HOME/.cache/servebench/aiperf-0.13.0}"
if [ ! -x "$venv/bin/aiperf" ]; then
  python3 -m venv "$venv.partial"
  "$venv.partial/bin/pip" install --quiet --no-compile --disable-pip-version-check aiperf==0.13.0 >&2
  rm -rf "$venv"
  mv "$venv.partial" "$venv"
fi
echo "$venv"
