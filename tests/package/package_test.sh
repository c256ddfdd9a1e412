#!/usr/bin/env bash
# Builds the Debian package (scripts/package.sh) from BUILD-DIR, unpacks it into a scratch
# root (dpkg -x: nothing is installed on the host) and checks what an admin relies on:
#   - the control data: version, Depends from dpkg-shlibdeps plus systemd, the conffile,
#     maintainer scripts that never enable nor start the service;
#   - a stripped binary, its debug information in the -dbgsym .ddeb;
#   - the packaged sysusers and tmpfiles entries create the user and its folders
#     (systemd-sysusers/systemd-tmpfiles --root=, so this test runs as root);
#   - `tributary check` accepts the packaged configuration. It names absolute paths
#     (/var/lib/tributary, /usr/share/tributary/mappings), so the test checks a copy with
#     those two prefixes rebased into the scratch root by sed, plus a copy that adds
#     `token: ${cred:admin-token}` with CREDENTIALS_DIRECTORY set, as the unit does;
#   - `systemd-analyze verify` passes on the installed unit, and
#     `systemd-analyze security --offline=yes` rates its exposure at most 2.0;
#   - lintian reports no error, and no warning but the accepted ones below.
# Usage: tests/package/package_test.sh BUILD-DIR
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(realpath "${1:?usage: package_test.sh BUILD-DIR}")
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-package-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Lintian warnings accepted, each with why (anything else fails the test). None today:
# lintian 2.116 reports no error and no warning, only these informational tags, left as
# they are:
#   binary-has-unneeded-section .comment, hardening-no-bindnow, hardening-no-fortify-functions:
#     the build's own flags (CMake RelWithDebInfo), not the packaging's;
#   package-contains-documentation-outside-usr-share-doc: mappings/README.md describes the
#     shipped mappings beside them;
#   package-supports-alternative-init-but-no-init.d-script: the daemon is Type=notify and
#     needs systemd, there is no init.d script to ship;
#   spelling-error-in-binary: fragments of messages that GCC stores as 8-byte immediates
#     ("mor" of "1 or more"), not misspellings.
accepted_warnings=(
)

deb=$(PACKAGE_JOBS=1 "$source_dir/scripts/package.sh" "$build_dir" | tail -n 1)
[ -f "$deb" ] || fail "scripts/package.sh made no .deb"
version=$(sed -n '1s/^tributary (\([^)]*\)).*/\1/p' "$source_dir/packaging/debian/changelog")
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "tributary_${version}_${arch}.deb" ] || fail "unexpected package name $deb"
ddeb="$build_dir/tributary-dbgsym_${version}_${arch}.ddeb"
[ -f "$ddeb" ] || fail "no debug symbols package $ddeb"

# Control data.
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libc6 libssl3 libsqlite3-0 systemd; do
  [[ ",$depends," =~ [,\ ]$needed[\ ,\(] ]] || fail "Depends lacks $needed: $depends"
done
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/tributary/tributary.yaml ] || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no $script"
  if grep -vE '^\s*#' "$work/control/$script" | grep -qE '\benable\b|\bstart\b|--now'; then
    fail "$script enables or starts a service"
  fi
done
grep -q 'systemd-sysusers tributary.conf' "$work/control/postinst" || fail "postinst does not create the user"
grep -q 'systemd-tmpfiles --create tributary.conf' "$work/control/postinst" || fail "postinst does not create the folders"
grep -q 'daemon-reload' "$work/control/postinst" || fail "postinst does not reload systemd"

# Content: a stripped binary, its debug information apart.
root="$work/root"
dpkg -x "$deb" "$root"
binary="$root/usr/bin/tributary"
[ -x "$binary" ] || fail "no /usr/bin/tributary"
if readelf -S "$binary" | grep -qE '\.debug_|\.symtab'; then fail "/usr/bin/tributary is not stripped"; fi
dpkg-deb -c "$ddeb" | grep -qE '\./usr/lib/debug/\.build-id/[0-9a-f]{2}/[0-9a-f]+\.debug$' ||
  fail "the .ddeb holds no build-id debug file"
for file in etc/tributary/tributary.yaml usr/lib/systemd/system/tributary.service usr/lib/sysusers.d/tributary.conf \
    usr/lib/tmpfiles.d/tributary.conf usr/share/tributary/mappings/generic/open_items.yaml \
    usr/share/doc/tributary/README.md usr/share/doc/tributary/copyright usr/share/doc/tributary/changelog.gz; do
  [ -f "$root/$file" ] || fail "the package lacks /$file"
done

# The user and the folders, as the postinst makes them, in the scratch root.
systemd-sysusers --root="$root" >/dev/null
grep -q '^tributary:' "$root/etc/passwd" || fail "systemd-sysusers made no tributary user"
systemd-tmpfiles --root="$root" --create tributary.conf
for folder in var/lib/tributary/drop var/lib/tributary/archive var/lib/tributary/error; do
  [ -d "$root/$folder" ] || fail "systemd-tmpfiles made no /$folder"
done

# The packaged configuration passes `tributary check`, paths rebased into the root.
config="$work/tributary.yaml"
sed -e "s|/var/lib/tributary|$root/var/lib/tributary|g" -e "s|/usr/share/tributary|$root/usr/share/tributary|g" \
  "$root/etc/tributary/tributary.yaml" > "$config"
"$binary" check --config "$config" || fail "tributary check refused the packaged configuration"
# The documented secret route: a credential the unit loads, read through ${cred:}.
mkdir -m 0700 "$work/credentials"
printf 'an-admin-token\n' > "$work/credentials/admin-token"
sed -e 's|^  listen: 127.0.0.1:8470 .*|  listen: 127.0.0.1:8470\n  token: ${cred:admin-token}|' "$config" > "$work/cred.yaml"
grep -q 'token: ${cred:admin-token}' "$work/cred.yaml" || fail "could not add the token to the test copy"
CREDENTIALS_DIRECTORY="$work/credentials" "$binary" check --config "$work/cred.yaml" ||
  fail "tributary check refused \${cred:admin-token}"
if (unset CREDENTIALS_DIRECTORY; "$binary" check --config "$work/cred.yaml" 2>"$work/cred.err"); then
  fail "tributary check accepted \${cred:admin-token} without CREDENTIALS_DIRECTORY"
fi
grep -q "admin.token: credential admin-token: CREDENTIALS_DIRECTORY is not set" "$work/cred.err" ||
  fail "unexpected error without CREDENTIALS_DIRECTORY: $(cat "$work/cred.err")"

# The unit: verify against the scratch root, where the package put /usr/bin/tributary. The
# root also needs what the host provides: the units it depends on (sysinit.target …, copied
# without replacing the packaged one) and /bin/kill of ExecReload=.
unit="$root/usr/lib/systemd/system/tributary.service"
cp -rn /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
[ -e "$root/bin" ] || ln -s usr/bin "$root/bin"
cp /usr/bin/kill "$root/usr/bin/kill"
cmp -s "$unit" "$source_dir/systemd/tributary.service" || fail "the installed unit is not systemd/tributary.service"
systemd-analyze verify --root="$root" "$unit" || fail "systemd-analyze verify failed"
# Its exposure (systemd-analyze counts in tenths: 20 is 2.0).
systemd-analyze security --offline=yes --threshold=20 "$unit" >"$work/security.txt" ||
  { cat "$work/security.txt" >&2; fail "the unit's exposure is above 2.0"; }
grep 'Overall exposure level' "$work/security.txt"

# Lintian: no error; a warning only if accepted above.
lintian --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then fail "lintian reports errors"; fi
while read -r line; do
  tag=$(echo "$line" | awk '{print $3}')
  accepted=no
  for allowed in "${accepted_warnings[@]}"; do [ "$tag" = "${allowed%% *}" ] && accepted=yes; done
  [ "$accepted" = yes ] || fail "lintian warning not accepted: $line"
done < <(grep '^W: ' "$work/lintian.txt" || true)
echo "PASS: $(basename "$deb") built, unpacked, checked, verified and lint-clean"
