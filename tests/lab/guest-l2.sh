#!/bin/sh
# The job of the L2 guest in the cross-check (tests/lab/guest.sh runs it in
# L1): the seed's client, Debian's cpuid, asks the leaves; then exitstat.
# Every answer goes to the console as one line for L1 to check against the
# host side.  At each "L2-PAUSE n" line L2 waits for a line on its console:
# L1 stops QEMU there, reads the per-VM debugfs file, resumes and answers.
if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then
	cpuid_r=0x72 io_r=0x7b undef_r=0xa7	# APM exit codes; 0xa7 is past IDLE_HLT
else
	cpuid_r=10 io_r=30 undef_r=35		# SDM basic exit reasons; 35 is undefined
fi
echo "L2-REASONS cpuid=$cpuid_r io=$io_r undefined=$undef_r"

# q LEAF [ECX]: one query by the cpuid tool, one line "L2-CPUID 0x... 0x..: eax=..."
# No pipe: every program that starts runs CPUID itself (the C library's
# start-up), and a grep or sed beside cpuid could do that before or after
# cpuid's own query, as L2's scheduler happens to order them.  cpuid prints
# "CPU:" and then the line; the shell's own word splitting takes it apart.
q() {
	set -- $(cpuid -1 -r -l "$1" -s "${2:-0}")
	shift
	echo "L2-CPUID $*"
}
pause() {
	echo "L2-PAUSE $1"
	read -r _ || sleep 5
}

# Ten queries: the kernel logs at most 10 per 5 s, so L1 sees a log line
# for each.  The CPUID count is asked first, after eight and after nine
# other runs of cpuid: every run costs the same number of CPUID exits.
q 0x4FFFFFFD "$cpuid_r"
q 0x4FFFFFFC "$cpuid_r"
q 0x4FFFFFFD "$io_r"
q 0x4FFFFFFC "$io_r"
q 0x4FFFFFFF
q 0x4FFFFFFE
q 0x4FFFFFFD "$undef_r"
q 0x4FFFFFFC "$undef_r"
q 0x4FFFFFFD "$cpuid_r"
q 0x4FFFFFFD "$cpuid_r"
pause 1

echo "L2-EXITSTAT-TABLE"
exitstat
echo "L2-EXITSTAT-TABLE-STATUS $?"
echo "L2-JSON $(exitstat --json)"
pause 2
echo "L2-JSON-CPUID $(exitstat -r cpuid --json)"
pause 3
cmd=$(exitstat --json -- true 2>&1)
echo "L2-CMD-STATUS $?"
echo "L2-CMD $cmd"
exitstat -- true
# The other output modes, once each, for L1 to check their shape.
echo "L2-CSV-BEGIN"
exitstat --csv -r cpuid
echo "L2-CSV-END $?"
echo "L2-PROM-BEGIN"
exitstat --prometheus -r cpuid
echo "L2-PROM-END $?"
# Nothing else runs CPUID meanwhile: exitstat's own queries must show
# neither as exits nor as cycles.  nocpuid has no C library to ask CPUID.
echo "L2-WATCH-BEGIN"
exitstat --csv -w 0.5 -c 2 -r cpuid
echo "L2-WATCH-END $?"
echo "L2-NOCPUID-BEGIN"
exitstat --csv -r cpuid -- nocpuid 2>&1
echo "L2-NOCPUID-END $?"
# Prometheus text of each kind, whole, for Prometheus's own validator on the
# host (tests/lab/promtool.sh): a snapshot, one interval, a command's.
echo "L2-PROMALL-BEGIN"
exitstat --prometheus
echo "L2-PROMALL-END $?"
echo "L2-PROMWATCH-BEGIN"
exitstat --prometheus -w 0.5 -c 1
echo "L2-PROMWATCH-END $?"
echo "L2-PROMCMD-BEGIN"
exitstat --prometheus -- true 2>&1
echo "L2-PROMCMD-END $?"
echo "L2-DONE"
