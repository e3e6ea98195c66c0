#!/usr/bin/env bash
# `make report`: the boot profile and the answers to the seed's Q3/Q4.
# Per vendor, boots L1 (the lab kernel on an emulated AMD or Intel CPU) and in
# it an L2 Linux guest (lab/l2.sh, job lab/report-l2.sh) while L1 samples the
# L2 VM's per-VM exitstat file (lab/report-l1.sh); the samples come back on
# L1's serial console and become docs/report/timeline-<vendor>.csv.  Then
# the same for the Debian cloud guest on Debian's kernel (lab/run-cloud.sh,
# the same phases after cloud-init's boot): cloud-timeline-<vendor>.csv.
# Then lab/report-doc.sh draws the plots and writes docs/report/README.md.
# usage: lab/report.sh [amd|intel|both]     (default both)
#   REPORT_INTERVAL   sampling interval, seconds of L1's clock (default 0.2 on
#                     AMD, 0.05 on Intel, where L1's clock counts instructions)
#   REPORT_DOC_ONLY=1 only redraw the plots and README from the CSVs
#   REPORT_CLOUD=0    leave the cloud guest out (under Bochs it is the long part)
set -euo pipefail
. "$(dirname "$0")/env.sh"	# KTREE, LABDIR, TOP

case ${1:-both} in
amd | intel) vendors=$1 ;;
both) vendors="amd intel" ;;
*) echo "usage: $0 [amd|intel|both]" >&2; exit 2 ;;
esac
docs=$TOP/docs/report
out=$LABDIR/report
mkdir -p "$docs" "$out"
t0=$SECONDS
say() { printf 'report [%4d s] %s\n' $((SECONDS - t0)) "$*"; }

# The plots need gnuplot (Debian's gnuplot-nox: no X); the run, the lab's packages.
"$TOP/lab/deps.sh" gnuplot-nox qemu-system-x86 busybox-static cpuid
if [ "${REPORT_DOC_ONLY:-0}" = 1 ]; then
	exec "$TOP/lab/report-doc.sh"
fi
[ -f "$KTREE/arch/x86/boot/bzImage" ] ||
	{ echo "report: $KTREE/arch/x86/boot/bzImage missing: make kernel" >&2; exit 1; }
make -s -C "$TOP" build/exitstat-static

say "packing L1's initramfs: patched kvm, QEMU, the L2 guest with lab/report-l2.sh…"
# The sampler's interval reaches L1 through its script: /init passes no
# environment, so bake it in.
l1=$out/report-l1.sh
{ [ -z "${REPORT_INTERVAL:-}" ] || echo "REPORT_INTERVAL=$REPORT_INTERVAL"; cat "$TOP/lab/report-l1.sh"; } >"$l1"
"$TOP/lab/l2.sh" "$out/tree" "$TOP/lab/report-l2.sh" >"$out/pack.log"
INITRAMFS_TREE=$out/tree "$TOP/lab/initramfs.sh" "$out/initrd.gz" "$l1" >>"$out/pack.log"

# Emulators of other runs on this machine would slow ours down and ours
# theirs: wait (up to 30 min) until none is running.
wait_idle() {
	local n=0
	while pgrep -f '^(qemu-system|bochs)' >/dev/null; do
		[ $n -eq 0 ] && say "waiting for other emulators to finish: $(pgrep -f '^(qemu-system|bochs)' | tr '\n' ' ')"
		n=$((n + 1))
		[ $n -lt 900 ] || { say "still busy after 30 min; starting anyway"; return; }
		sleep 2
	done
}

# run_facts SERIAL-LOG: what ran on vendor $v since $s, for the README, one
# key=value a line.
run_facts() {
	tr -d '\r' <"$1" | sed -n 's/^REPORT-META //p' | tr ' ' '\n'
	echo "wall_s=$((SECONDS - s))"
	if [ "$v" = amd ]; then
		echo "emulator=$(qemu-system-x86_64 --version | head -n 1)"
	else
		echo "emulator=Bochs $(dpkg-query -W -f '${Version}' bochs 2>/dev/null)"
	fi
}

rc=0
for v in $vendors; do
	log=$out/serial-$v.log
	wait_idle
	say "$v: booting L1 and L2, sampling the L2 VM's exits…"
	s=$SECONDS
	# The boot profile samples L1's clock: on AMD the host's, as
	# docs/report says (LAB_ICOUNT=0).
	if LAB_ICOUNT=0 LAB_MEM=1024 "$TOP/lab/boot.sh" "$v" "$KTREE/arch/x86/boot/bzImage" "$out/initrd.gz" \
		"$log" "$([ "$v" = intel ] && echo 1500 || echo 400)" >"$out/boot-$v.out" 2>&1; then
		say "$v: done in $((SECONDS - s)) s: $(tail -n 1 "$out/boot-$v.out")"
	else
		cat "$out/boot-$v.out" >&2
		say "$v: FAILED after $((SECONDS - s)) s; serial log $log" >&2
		rc=1
		continue
	fi
	run_facts "$log" >"$docs/run-$v.txt"
	sed 's/^/  /' "$docs/run-$v.txt"
	"$TOP/lab/report-csv.sh" "$log" >"$out/timeline-$v.csv" || { rc=1; continue; }
	mv "$out/timeline-$v.csv" "$docs/timeline-$v.csv"
	say "$v: $docs/timeline-$v.csv: $(($(wc -l <"$docs/timeline-$v.csv") - 1)) rows"
done
# The Debian cloud guest (lab/run-cloud.sh, as make cloud runs it): its
# profile is the same CSV, docs/report/cloud-timeline-<vendor>.csv.
for v in $([ "${REPORT_CLOUD:-1}" = 0 ] || echo "$vendors"); do
	wait_idle
	say "$v: the Debian cloud guest on Debian's kernel (lab/run-cloud.sh; Intel: long under Bochs)…"
	s=$SECONDS
	if "$TOP/lab/run-cloud.sh" "$v" >"$out/cloud-$v.out" 2>&1; then
		say "$v: cloud guest done in $((SECONDS - s)) s: $(tail -n 1 "$out/cloud-$v.out")"
	else
		tail -n 40 "$out/cloud-$v.out" >&2
		say "$v: cloud guest FAILED after $((SECONDS - s)) s; log $out/cloud-$v.out" >&2
		rc=1
		continue
	fi
	log=$LABDIR/cloud/serial-$v.log
	run_facts "$log" >"$docs/run-cloud-$v.txt"
	"$TOP/lab/report-csv.sh" "$log" >"$out/cloud-timeline-$v.csv" || { rc=1; continue; }
	mv "$out/cloud-timeline-$v.csv" "$docs/cloud-timeline-$v.csv"
	say "$v: $docs/cloud-timeline-$v.csv: $(($(wc -l <"$docs/cloud-timeline-$v.csv") - 1)) rows"
done
[ $rc -eq 0 ] || exit $rc
say "plots and README…"
"$TOP/lab/report-doc.sh"
say "make report took $((SECONDS - t0)) s"
