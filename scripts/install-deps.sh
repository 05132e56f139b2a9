#!/usr/bin/env bash
# Installs the Debian packages servebench needs to build and test. Idempotent: installs only what is missing.
set -euo pipefail
packages=(g++ cmake make ninja-build pkg-config git clang-format ccache
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev libzstd-dev
  libsentencepiece-dev sentencepiece libpcre2-dev libicu-dev libgtest-dev libgmock-dev libbenchmark-dev
  libbenchmark-tools python3 python3-scipy wrk openssl clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm run the OpenAI SDK check and the real-engine tier; Debian's, unless the machine
# has them already.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
