#!/usr/bin/env bash
# `cmake --install BUILD --prefix TMP` installs exactly the expected files: the daemon, the
# shipped mappings, the unit with its sysusers and tmpfiles entries, the configuration and
# the documentation; no test, benchmark or fuzz program. A second install keeps the
# configuration an admin edited.
# Usage: tests/package/install_test.sh BUILD-DIR
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(realpath "${1:?usage: install_test.sh BUILD-DIR}")
prefix=$(mktemp -d "${TMPDIR:-/tmp}/tributary-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# What the install rules copy must be built (scripts/test.sh builds it all; ctest -R may not).
cmake --build "$build_dir" --target tributary tributary_changelog >/dev/null
cmake --install "$build_dir" --prefix "$prefix" >/dev/null

# The expected list, from the source tree: every mapping and every doc.
expected=$(
  {
    echo bin/tributary
    echo lib/systemd/system/tributary.service
    echo lib/sysusers.d/tributary.conf
    echo lib/tmpfiles.d/tributary.conf
    echo etc/tributary/tributary.yaml
    echo share/doc/tributary/README.md
    echo share/doc/tributary/systemd/README.md
    echo share/doc/tributary/certs/README.md
    echo share/doc/tributary/copyright
    echo share/doc/tributary/changelog.gz
    echo share/man/man1/tributary.1.gz
    (cd "$source_dir" && find docs -type f) | sed 's|^|share/doc/tributary/|'
    (cd "$source_dir/mappings" && find . -type f) | sed 's|^\./|share/tributary/mappings/|'
  } | sort)
actual=$(cd "$prefix" && find . -type f -o -type l | sed 's|^\./||' | sort)
if [ "$expected" != "$actual" ]; then
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  fail "installed files differ from the expected list (< expected, > installed)"
fi

[ -x "$prefix/bin/tributary" ] || fail "bin/tributary is not executable"
"$prefix/bin/tributary" --version >/dev/null || fail "the installed binary does not run"
cmp -s "$source_dir/packaging/tributary.yaml" "$prefix/etc/tributary/tributary.yaml" ||
  fail "etc/tributary/tributary.yaml is not packaging/tributary.yaml"
cmp -s "$source_dir/systemd/tributary.service" "$prefix/lib/systemd/system/tributary.service" ||
  fail "the unit is not systemd/tributary.service"
[ "$(stat -c %a "$prefix/etc/tributary/tributary.yaml")" = 644 ] || fail "the configuration is not mode 0644"
gzip -dc "$prefix/share/doc/tributary/changelog.gz" | cmp -s - "$source_dir/packaging/debian/changelog" ||
  fail "changelog.gz is not packaging/debian/changelog"
# A second install keeps a configuration the admin edited.
echo "# edited" >> "$prefix/etc/tributary/tributary.yaml"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
grep -q '^# edited$' "$prefix/etc/tributary/tributary.yaml" || fail "a second install replaced the edited configuration"
echo "PASS: cmake --install put the $(echo "$actual" | wc -l) expected files under the prefix"
