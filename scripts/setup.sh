#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages, then builds.
# Usage: scripts/setup.sh [build-dir]   (run as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

packages=(
  g++ cmake ninja-build pkg-config git ca-certificates curl python3
  libssl-dev libcurl4-openssl-dev libsqlite3-dev libyaml-cpp-dev libspdlog-dev
  nlohmann-json3-dev libboost-dev libsystemd-dev libgtest-dev libgmock-dev
  libssh2-1-dev openssh-server openssh-client
  libjwt-dev
  libre2-dev
  libdtl-dev
  libuchardet-dev libxml2-dev
  clang-16 libclang-rt-16-dev
)
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j "$(nproc)"
