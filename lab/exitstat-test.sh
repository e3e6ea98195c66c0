#!/bin/bash
# Builds the end-to-end test (tests/lab/exitstat_test.c, a KVM selftest)
# static, inside the lab tree's tools/testing/selftests/kvm (its library
# and Makefile), and copies it to OUT.  The copy of the source is removed
# again so that the tree stays as built.
# usage: lab/exitstat-test.sh OUT        (KTREE: the built kernel tree)
set -euo pipefail
. "$(dirname "$0")/env.sh"
out=${1:?usage: $0 OUT}
sel=$KTREE/tools/testing/selftests/kvm
log=$(dirname "$out")/selftest-build.log
mkdir -p "$(dirname "$out")"
echo "exitstat-test: building exitstat_test (static) in $sel"
# One build at a time in that directory (lab/selftests.sh builds there too,
# and make check may run several lab stages at once).
exec 9>"$KTREE/.exitstat-selftests.lock"
flock 9
arch=$(selftest_arch "$sel")
cp "$TOP/tests/lab/exitstat_test.c" "$sel/$arch/exitstat_test.c"
trap 'rm -f "$sel/$arch/exitstat_test.c"' EXIT
if ! make -C "$sel" EXTRA_CFLAGS="-static -I$TOP/include/uapi" \
	"TEST_GEN_PROGS_$arch=$arch/exitstat_test" >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "exitstat-test: build failed; log in $log" >&2
	exit 1
fi
# Our test is held to our user-space rule (-Werror): a warning fails it.
if grep -a 'warning:' "$log" >&2; then
	echo "exitstat-test: tests/lab/exitstat_test.c built with warnings; log in $log" >&2
	exit 1
fi
cp "$sel/$arch/exitstat_test" "$out"
