#!/usr/bin/env bash
# The guest part of `make demo` (lab/demo.sh runs it after building the
# kernel): boots the lab, in it an L2 Linux guest, and prints from inside L2
# the exitstat table, then the seed's query by Debian's cpuid and the host's
# kernel-log line of it (kvm.exitstat_log=1), taken from L1's dmesg.
# usage: lab/demo-guest.sh [amd|intel|both]      (default amd)
set -euo pipefail
. "$(dirname "$0")/env.sh"	# KTREE, LABDIR, TOP

vendor=${1:-amd}
case $vendor in
amd | intel) vendors=$vendor ;;
both) vendors="amd intel" ;;
*) echo "usage: $0 [amd|intel|both]" >&2; exit 2 ;;
esac
out=$LABDIR/demo
mkdir -p "$out"
t0=$SECONDS
say() { printf 'demo [%3d s] %s\n' $((SECONDS - t0)) "$*"; }

[ -f "$KTREE/arch/x86/boot/bzImage" ] ||
	{ echo "demo: $KTREE/arch/x86/boot/bzImage missing: run lab/build-kernel.sh" >&2; exit 1; }
if [ ! -x "$TOP/build/exitstat-static" ]; then
	say "building exitstat (static, for the guest)…"
	make -s -C "$TOP" build/exitstat-static >"$out/make.log" 2>&1 ||
		{ cat "$out/make.log" >&2; exit 1; }
fi
say "packing L1's initramfs: patched kvm modules, QEMU, and the L2 guest (same kernel, cpuid, exitstat)…"
"$TOP/lab/l2.sh" "$out/tree" "$TOP/lab/demo-l2.sh" >"$out/pack.log"
INITRAMFS_TREE=$out/tree "$TOP/lab/initramfs.sh" "$out/initrd.gz" "$TOP/lab/demo-l1.sh" \
	"$TOP/build/exitstat-static" >>"$out/pack.log"

# demo_one VENDOR: boot, follow the serial log for progress, then print.
demo_one() {
	local v=$1 what eta limit log pid rc=0 l1=0 l2=0
	if [ "$v" = amd ]; then
		what="AMD SVM under QEMU TCG" eta="" limit=300
	else
		what="Intel VMX under Bochs" eta=", about 2 minutes" limit=900
	fi
	log=$out/serial-$v.log
	rm -f "$log"
	say "booting L1 ($what$eta)…"
	# The host's clock on AMD, as lab/run-guest.sh says why.
	LAB_ICOUNT=${LAB_ICOUNT:-0} LAB_MEM=1024 "$TOP/lab/boot.sh" "$v" "$KTREE/arch/x86/boot/bzImage" "$out/initrd.gz" \
		"$log" "$limit" >"$out/boot-$v.out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ $l1 = 0 ] && grep -aq '^DEMO-L1-UP' "$log" 2>/dev/null; then
			say "L1 is up, patched kvm loaded with exitstat_log=1; booting L2 guest (QEMU -enable-kvm in L1)…"
			l1=1
		fi
		if [ $l2 = 0 ] && grep -aq '^DEMO-L2-UP' "$log" 2>/dev/null; then
			say "L2 is up; running cpuid and exitstat in it…"
			l2=1
		fi
		sleep 0.2
	done
	wait "$pid" || rc=$?
	say "L1 and L2 done ($v: $(grep -ao 'in [0-9.]* s (boot + test)' "$out/boot-$v.out" | sed 's/ (.*//;s/^in //') from L1's start to its end)"
	# L2's console, passed on by L1, without the serial line's CRs.
	tr -d '\r' <"$log" | sed -n 's/^DEMO-L2: //p' >"$out/l2-$v.txt"
	echo
	echo "=== Inside L2 ($what): exitstat"
	sed -n '/^DEMO-TABLE-BEGIN/,/^DEMO-TABLE-END/p' "$out/l2-$v.txt" | sed '1d;$d'
	echo
	echo "=== Inside L2: $(sed -n 's/^DEMO-CPUID-CMD //p' "$out/l2-$v.txt")"
	sed -n 's/^DEMO-CPUID /   /p' "$out/l2-$v.txt"
	n=$(sed -n 's/^DEMO-CPUID .*: eax=\(0x[0-9a-f]*\) .*/\1/p' "$out/l2-$v.txt")
	[ -z "$n" ] || echo "   (eax = $((n)) CPUID exits of this VM so far, this query included)"
	echo "=== Host (L1) kernel log of that query, from L1's dmesg:"
	tr -d '\r' <"$log" | sed -n 's/^DEMO-HOSTLOG /   /p'
	echo
	echo "=== Host (L1), as its operator sees its VMs (L2 is QEMU -name l2): exitstat --host --by-vm"
	tr -d '\r' <"$log" | sed -n 's/^DEMO-HOST //p'
	echo
	echo "=== Host (L1), through QEMU's monitor (KVM's binary stats): info stats vcpu exits,exitstat_exits_by_slot kvm"
	echo "    (QEMU 7.2 numbers a list from its end: [174 - slot]; slot = exit reason, see include/uapi/asm/kvm_exitstat.h)"
	tr -d '\r' <"$log" | sed -n 's/^DEMO-HMP //p'
	echo
	if [ "$rc" -ne 0 ]; then
		cat "$out/boot-$v.out" >&2
		echo "demo: $v: the guest part FAILED (status $rc); serial log: $log" >&2
	fi
	return "$rc"
}

rc=0
for v in $vendors; do
	demo_one "$v" || rc=1
done
exit "$rc"
