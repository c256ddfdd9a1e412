#!/usr/bin/env bash
# The developer setup: installs every build and test dependency from Debian 12 packages,
# then builds. Production machines install the Debian package instead (scripts/package.sh,
# README.md). It starts and enables no service: openssh-server is here only for the sshd
# binary the SFTP tests run on loopback.
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
  dpkg-dev file lintian systemd
  chromium
)
# chromium: the status page is tested in a real headless browser.
# The OpenAPI document's validator (tests/openapi/) runs on Node.js: Debian's npm brings
# nodejs. A machine that has an npm already keeps it.
command -v npm >/dev/null || packages+=(npm)
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get update -qq
  # Debian's openssh-server enables ssh.service and starts it. A policy-rc.d that refuses
  # every start (honoured by invoke-rc.d and deb-systemd-invoke) keeps it stopped during
  # this install; one already there is left as it is.
  policy=/usr/sbin/policy-rc.d
  own_policy=no
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/setup.sh: no service starts while it installs packages.\nexit 101\n' |
      "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod 0755 "$policy"
    own_policy=yes
  fi
  status=0
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    status=$?
  if [ "$own_policy" = yes ]; then "${sudo_cmd[@]}" rm -f "$policy"; fi
  [ "$status" -eq 0 ] || exit "$status"
  # ... and the enabling it did is undone, when this script installed it.
  if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
    "${sudo_cmd[@]}" systemctl disable --quiet ssh.service 2>/dev/null || true
  fi
fi

# The validator pinned in tests/openapi/package-lock.json (ctest openapi_document_valid).
npm ci --prefix tests/openapi --no-audit --no-fund

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j "$(nproc)"
