#!/usr/bin/env bash
# setup.sh — installs ebm's Debian dependencies (only those missing) and builds
# ebm into build/. Idempotent, quiet and non-interactive; run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libyaml-dev libhdf5-dev hdf5-tools
          libopenblas-dev zlib1g-dev gnuplot-nox dataset-fashion-mnist
          openmpi-bin libopenmpi-dev man-db python3-h5py
          python3-sklearn   # scripts/digits-pll.py, tests/cli/digits_sklearn.sh
          chromium)   # tests/cli/report_browser.sh renders `ebm report` pages
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-asan
  cmake_args=(-DEBM_SANITIZE=ON)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" >/dev/null
echo "setup: built $build_dir/ebm" >&2
