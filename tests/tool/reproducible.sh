#!/usr/bin/env bash
# The static exitstat is the same file whichever directory it is built in:
# the cloud guest's image (lab/cloud-guest.sh) holds it and is keyed by its
# checksum, so a path in the binary (the debug info's build directory) would
# make every clone build its own image, and throw the other clone's away.
# Builds it in two copies of the sources under different paths; exit 1 if
# the two differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for d in a b/longer-path; do
	mkdir -p "$t/$d"
	git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$t/$d"
	make -s -C "$t/$d" build/exitstat-static
done
a=$(sha256sum <"$t/a/build/exitstat-static")
b=$(sha256sum <"$t/b/longer-path/build/exitstat-static")
if [ "$a" = "$b" ]; then
	echo "PASS: build/exitstat-static is the same file built in $t/a and in $t/b/longer-path"
	echo "1 passed, 0 failed"
else
	echo "FAIL: build/exitstat-static differs between $t/a and $t/b/longer-path"
	echo "0 passed, 1 failed"
	exit 1
fi
