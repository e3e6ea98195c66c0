#!/bin/bash
# The lab's one entry point: builds the end-to-end test (a KVM selftest) from
# the patched tree, packs it with the scenarios into an initramfs, boots the
# patched kernel as L1 on an emulated AMD (QEMU TCG) or Intel (Bochs) CPU and
# reports.  The last line is "N passed, N failed".
# usage: lab/run-scenarios.sh amd|intel        (KTREE: the built kernel tree)
# L1_KERNEL=debian: L1 is Debian's own kernel of the same version with our
# modules built against its headers (lab/debian-kernel.sh); the test
# binary still comes from the lab tree's selftests.
set -euo pipefail

vendor=${1:-}
case $vendor in
amd | intel) ;;
*) echo "usage: $0 amd|intel" >&2; exit 2 ;;
esac
. "$(dirname "$0")/env.sh"	# KTREE (the built kernel tree), LABDIR, TOP
repo=$TOP
out=$LABDIR
mkdir -p "$out"
for f in arch/x86/boot/bzImage arch/x86/kvm/kvm.ko virt/lib/irqbypass.ko; do
	[ -f "$KTREE/$f" ] || { echo "run-scenarios: $KTREE/$f missing: build the lab kernel first" >&2; exit 1; }
done

"$repo/lab/exitstat-test.sh" "$out/exitstat_test"
kernel=$KTREE/arch/x86/boot/bzImage
tag=$vendor
if [ "${L1_KERNEL:-lab}" = debian ]; then
	eval "$("$repo/lab/debian-kernel.sh")"
	kernel=$DEB_IMAGE/boot/vmlinuz-$DEB_RELEASE
	export L1_IMAGE=$DEB_IMAGE L1_RELEASE=$DEB_RELEASE KVM_MODULES=$DEB_KVM
	tag=debian-$vendor
	echo "run-scenarios: L1 is Debian's kernel $DEB_RELEASE with our modules from $DEB_KVM"
fi
initrd=$out/initrd-scenarios-$tag.gz
"$repo/lab/initramfs.sh" "$initrd" "$repo/tests/lab/scenarios.sh" \
	"$out/exitstat_test" "$repo/hardware/reload-kvm.sh"

log=$out/serial-$tag.log
rc=0
"$repo/lab/boot.sh" "$vendor" "$kernel" "$initrd" "$log" || rc=$?

. "$TOP/lab/serial-outcome.sh"
serial_outcome "$log" "$rc" "run-scenarios: $vendor" || exit
