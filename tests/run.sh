#!/usr/bin/env bash
# Runs every test stage of `make check` in order and ends with one line
# "N passed, N failed": cmocka tests and lab scenarios count one each, the
# kernel build and checkpatch one each.  Exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 start=$SECONDS
out=$(mktemp)
trap 'rm -f "$out"' EXIT

stage() {	# stage NAME COMMAND...: run it, show its output, count it
	local name=$1 rc t0=$SECONDS
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	local ok fail
	ok=$(grep -c '^\[       OK \]' "$out")
	fail=$(grep -c '^\[  FAILED  \] test' "$out")
	if summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1); then
		ok=$((ok + ${summary%% passed*}))
		fail=$((fail + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")))
	fi
	if [ "$ok" -eq 0 ] && [ "$fail" -eq 0 ]; then
		[ "$rc" -eq 0 ] && ok=1 || fail=1
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1		# it died without saying what failed
	fi
	passed=$((passed + ok)) failed=$((failed + fail))
	echo "=== $name: $ok passed, $fail failed, $((SECONDS - t0)) s"
	return "$rc"
}

stage "unit tests" make --no-print-directory unit
stage "fuzz (libFuzzer, 300000 inputs, seed 1)" make --no-print-directory fuzz-smoke
stage "report: docs/report CSVs and the figures its README quotes" tests/report/check.sh
if stage "kernel build (linux-$KVER)" lab/build-kernel.sh; then
	stage "checkpatch --strict" lab/checkpatch.sh
	if [ -x lab/run-scenarios.sh ]; then
		stage "lab: AMD SVM under QEMU TCG" lab/run-scenarios.sh amd
		stage "lab: Intel VMX under Bochs" lab/run-scenarios.sh intel
		# A real Linux guest (L2) in L1: Debian's cpuid and exitstat vs the
		# host side.  On AMD only: under Bochs it takes ~2 minutes (make demo).
		stage "lab: L2 Linux guest on AMD, cpuid and exitstat vs host" \
			lab/run-guest.sh amd
		# Real hardware's path: the modules built out of tree, against the
		# lab tree (then run in the lab) and against Debian's headers.
		stage "hardware: out-of-tree modules, Debian's headers, install" \
			tests/hardware/check.sh
		# KVM's own selftests of the same tree, with the stock KVM modules
		# and with ours: the same outcome each.  Under Bochs only the quick
		# set fits; make selftests VENDOR=intel runs them all.
		stage "KVM selftests on AMD (all): stock KVM vs ours" \
			lab/selftests.sh amd all
		stage "KVM selftests on Intel (quick set): stock KVM vs ours" \
			lab/selftests.sh intel quick
	fi
fi
echo "make check took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
