#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, and the install path: `cmake --install`
# and the Debian package checked with lintian and systemd-analyze, tests/package/) against
# the build from setup.sh, then 20 seconds of each fuzz target (scripts/fuzz.sh, its own
# clang build in build-fuzz/).
# Usage: scripts/test.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 900
scripts/fuzz.sh 20
