#!/bin/bash
# The L2 cross-check: boots the patched kernel as L1 on an emulated AMD
# (QEMU TCG) or Intel (Bochs) CPU with 1 GiB, and in it a real Linux guest
# (L2: the same bzImage under QEMU -enable-kvm) that runs Debian's cpuid and
# exitstat; tests/lab/guest.sh checks their answers against the host side.
# The last line is "N passed, N failed".
# usage: lab/run-guest.sh amd|intel        (KTREE: the built kernel tree)
set -euo pipefail

vendor=${1:-}
case $vendor in
amd | intel) ;;
*) echo "usage: $0 amd|intel" >&2; exit 2 ;;
esac
. "$(dirname "$0")/env.sh"	# KTREE, LABDIR, TOP
out=$LABDIR/guest
mkdir -p "$out"
[ -f "$KTREE/arch/x86/boot/bzImage" ] ||
	{ echo "run-guest: $KTREE/arch/x86/boot/bzImage missing: build the lab kernel first" >&2; exit 1; }
make -s -C "$TOP" build/exitstat-static

"$TOP/lab/l2.sh" "$out/tree" "$TOP/tests/lab/guest-l2.sh"
# exitstat in L1 too: exitstat --host reads the host side.
INITRAMFS_TREE=$out/tree "$TOP/lab/initramfs.sh" "$out/initrd-guest.gz" "$TOP/tests/lab/guest.sh" \
	"$TOP/build/exitstat-static"

log=$out/serial-$vendor.log
rc=0
start=$(date +%s)
# The host's clock here, not the lab's instruction clock: with a full Linux
# L2 under QEMU in L1, an instruction-clocked L1 sometimes stopped making
# progress when the host was loaded (seen twice, 6.1 and 6.12, with a CPU hog
# beside two such runs).  Nothing checked here is a time: counts and
# registers, the same on either clock.
# (QEMU itself froze a few times here, L1 idle for good while L2 ran its
# job, 3 runs of 11 on a host loaded with two kernel builds: a lost timer
# interrupt, which boot.sh's periodic L1 timer recovers from; should it
# still freeze, boot.sh says so and boots once more.)
LAB_ICOUNT=${LAB_ICOUNT:-0} LAB_MEM=1024 "$TOP/lab/boot.sh" "$vendor" "$KTREE/arch/x86/boot/bzImage" \
	"$out/initrd-guest.gz" "$log" "$([ "$vendor" = intel ] && echo 900 || echo 300)" || rc=$?
. "$TOP/lab/serial-outcome.sh"
serial_outcome "$log" "$rc" \
	"run-guest: $vendor: L1 + L2 boot and test took $(($(date +%s) - start)) s" || exit
