#!/usr/bin/env bash
# Builds the Debian package from a configured build folder (scripts/setup.sh makes one):
#   BUILD/tributary_<version>_<arch>.deb        the daemon, stripped
#   BUILD/tributary-dbgsym_<version>_<arch>.ddeb its debug information
# The package comes from the install rules of packaging/CMakeLists.txt (CPack, DEB).
# Usage: scripts/package.sh [build-dir]   prints the path of the .deb on its last line
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(realpath "${1:-build}")
jobs=${PACKAGE_JOBS:-$(nproc)}

cmake --build "$build_dir" -j "$jobs" --target tributary tributary_changelog
# The modes of the packaged files are those of the staged copies.
umask 022
rm -f "$build_dir"/tributary_*.deb "$build_dir"/tributary-dbgsym_*.ddeb
(cd "$build_dir" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
rm -rf "$build_dir/_CPack_Packages"   # the staged copy, as large as the unstripped binary
deb=$(ls "$build_dir"/tributary_*.deb)
echo "$deb"
