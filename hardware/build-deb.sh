#!/usr/bin/env bash
# make deb: builds build/kvm-exitstat-dkms_<version>_all.deb with Debian's
# own tools (debian/, dpkg-buildpackage, dh-dkms).  The package holds the
# sources; DKMS builds the modules on the machine it is installed on.
#
# dpkg-buildpackage writes its products into the parent directory and
# leaves debian/<package>/ and debhelper's state behind, so it runs on a
# copy of the tree (the files git knows, committed or not) in a temporary
# directory, and only the .deb comes back, into build/.
# Exit status: 0 built, 1 the build failed, 2 something to install or fix first.
set -euo pipefail
. "$(dirname "$0")/../lab/env.sh"
die() { echo "build-deb: $2" >&2; exit "$1"; }
cd "$TOP"

"$TOP/lab/deps.sh" build-essential debhelper dh-dkms dpkg-dev

# One version: the tool's (tool/cli.h), which debian/changelog must repeat.
deb_ver=$(hardware/deb-version.sh) || exit 2

command -v git >/dev/null && git rev-parse --show-toplevel >/dev/null 2>&1 ||
	die 2 "$TOP is not a git work tree: the package is built from the files git knows"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/kvm-exitstat-$deb_ver
mkdir "$tree"
# Tracked and new files, but not those deleted in the work tree.
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf - | tar -xf - -C "$tree"

echo "build-deb: dpkg-buildpackage in $tree (log: build/deb.log)"
mkdir -p build
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b) >build/deb.log 2>&1; then
	tail -n 30 build/deb.log >&2
	die 1 "dpkg-buildpackage failed; see build/deb.log"
fi
deb=kvm-exitstat-dkms_${deb_ver}_all.deb
[ -f "$tmp/$deb" ] || die 1 "dpkg-buildpackage made no $deb: $(cd "$tmp" && echo *)"
cp "$tmp/$deb" build/
echo "build-deb: build/$deb"
