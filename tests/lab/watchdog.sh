#!/usr/bin/env bash
# lab/boot.sh's watchdog on AMD, with an L1 whose scenario idles for good
# (so no result marker ever comes):
#  - on the host's clock (LAB_ICOUNT=0: the L1s that run a Linux L2), L1
#    boots with a periodic local APIC timer (nohz=off highres=off), it
#    stalls, the stall is said with QEMU's view of L1, the log is kept, L1
#    is booted once more, and the second stall ends it with status 124;
#  - on the lab's instruction clock, idle time is skipped (sleep=off), so
#    the idle L1 runs on to the CPU-time limit: TIMEOUT, status 124, QEMU's
#    view, no second boot, no periodic-timer parameters.
# usage: tests/lab/watchdog.sh      (KTREE: the built kernel tree)
# Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
out=$LABDIR/watchdog
rm -rf "$out" && mkdir -p "$out"
printf '#!/bin/sh\necho "lab: idling for good"\nexec sleep 1000000\n' >"$out/idle.sh"
"$TOP/lab/initramfs.sh" "$out/initrd.gz" "$out/idle.sh" || exit 2
kernel=$KTREE/arch/x86/boot/bzImage
. "$TOP/tests/check-lib.sh"
lines() { grep -ac -- "$2" "$1"; }	# lines FILE PATTERN: how many match

# The host's clock: 15 s without CPU time or output is a stall here.
log=$out/serial-host.log err=$out/host.err rc=0
LAB_ICOUNT=0 LAB_STALL=15 "$TOP/lab/boot.sh" amd "$kernel" "$out/initrd.gz" "$log" 300 2>"$err" || rc=$?
sed 's/^/  | /' "$err"
check "host's clock: status 124 (got $rc)" [ "$rc" -eq 124 ]
check "host's clock: two stalls said" [ "$(lines "$err" '^boot: STALLED: amd L1 used no CPU time')" -eq 2 ]
check "host's clock: one more boot said" [ "$(lines "$err" 'booting L1 once more')" -eq 1 ]
check "host's clock: each boot reached its scenario, the first one's log kept" \
	[ "$(cat "$log.stalled" "$log" | lines - '^lab: idling for good')" -eq 2 ]
check "host's clock: both boots with a periodic tick (nohz=off highres=off)" \
	[ "$(cat "$log.stalled" "$log" | lines - 'Kernel command line: .* nohz=off highres=off')" -eq 2 ]
views() { [ "$(lines "$err" '^  VM status: running')" -eq 2 ] && [ "$(lines "$err" '^  LVTT[[:space:]]')" -eq 2 ]; }
check "host's clock: QEMU's view of L1 at each stall" views

# The instruction clock: a limit of 30 s of QEMU's CPU time.
log=$out/serial-icount.log err=$out/icount.err rc=0
LAB_STALL=15 "$TOP/lab/boot.sh" amd "$kernel" "$out/initrd.gz" "$log" 30 2>"$err" || rc=$?
sed 's/^/  | /' "$err"
check "instruction clock: status 124 (got $rc)" [ "$rc" -eq 124 ]
timeout_alone() {
	[ "$(lines "$err" '^boot: TIMEOUT: amd lab gave no result in 30 s')" -eq 1 ] &&
		[ "$(lines "$err" 'STALLED\|once more')" -eq 0 ] && [ ! -e "$log.stalled" ]
}
check "instruction clock: TIMEOUT said, no stall, no second boot" timeout_alone
no_tick() { [ "$(lines "$log" '^lab: idling for good')" -eq 1 ] && [ "$(lines "$log" 'nohz=off')" -eq 0 ]; }
check "instruction clock: reached its scenario, no periodic-tick parameters" no_tick
check "instruction clock: QEMU's view at the timeout" [ "$(lines "$err" '^  VM status: running')" -eq 1 ]
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
