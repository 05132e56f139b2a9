#!/usr/bin/env bash
# Installs aiperf==0.13.0 from PyPI into a virtual environment (once): the peer tests/aiperf/run.sh
# compares servebench's files with. Prints the environment's folder.
set -euo pipefail
venv="${SERVEBENCH_AIPERF_VENV:-$HOME/.cache/servebench/aiperf-0.13.0}"
# A virtual environment cannot be moved (its scripts name its path): a stamp marks it complete.
if [ ! -e "$venv/.installed" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-compile --disable-pip-version-check aiperf==0.13.0 >&2
  touch "$venv/.installed"
fi
echo "$venv"
