#!/bin/bash
# The seed's whole flow on Debian's parts (issue 14): L1 is Debian's own
# kernel (lab/debian-kernel.sh) with our modules built against its headers,
# on an emulated AMD (QEMU TCG) or Intel (Bochs) CPU; L2 is the Debian
# cloud guest (lab/cloud-guest.sh) launched in L1 by Debian's QEMU and set
# up by cloud-init from tests/cloud/user-data; tests/cloud/l1-cloud.sh
# checks it in L1.  Prints each stage's time; the last line is
# "N passed, N failed".
# usage: lab/run-cloud.sh amd|intel
set -euo pipefail
vendor=${1:-}
case $vendor in
amd | intel) ;;
*) echo "usage: $0 amd|intel" >&2; exit 2 ;;
esac
. "$(dirname "$0")/env.sh"
out=$LABDIR/cloud
mkdir -p "$out"
t=$SECONDS
# L1's tree: Debian's QEMU (lab/l2.sh), then the guest's kernel, initrd and seed.
make -s -C "$TOP" build/exitstat-static >&2
"$TOP/lab/l2.sh" "$out/tree" -
eval "$("$TOP/lab/cloud-guest.sh" "$vendor" "$out/tree/cloud")"
echo "run-cloud: L1's tree (QEMU, the cloud guest's kernel, initrd and seed) ready in $((SECONDS - t)) s"
t=$SECONDS
eval "$("$TOP/lab/debian-kernel.sh")"
echo "run-cloud: Debian kernel $DEB_RELEASE and our modules ready in $((SECONDS - t)) s"

t=$SECONDS
# L1's disk (the guest's): virtio on QEMU, ATA on Bochs.
case $vendor in
amd) extra="virtio_pci virtio_blk" ;;
intel) extra="ata_piix sd_mod" ;;
esac
INITRAMFS_TREE=$out/tree L1_IMAGE=$DEB_IMAGE L1_RELEASE=$DEB_RELEASE KVM_MODULES=$DEB_KVM \
	L1_EXTRA_MODULES=$extra "$TOP/lab/initramfs.sh" "$out/initrd-$vendor.gz" \
	"$TOP/tests/cloud/l1-cloud.sh" "$TOP/build/exitstat-static"
echo "run-cloud: L1 initramfs ready in $((SECONDS - t)) s"

log=$out/serial-$vendor.log
rc=0
t=$SECONDS
# The host's clock for L1 (as lab/run-guest.sh): a whole systemd boot in L2.
LAB_ICOUNT=${LAB_ICOUNT:-0} LAB_MEM=$CLOUD_L1_MEM LAB_DISK=$CLOUD_DISK "$TOP/lab/boot.sh" "$vendor" \
	"$DEB_IMAGE/boot/vmlinuz-$DEB_RELEASE" "$out/initrd-$vendor.gz" "$log" "$CLOUD_L1_TMO" || rc=$?
echo "run-cloud: $vendor: L1 boot, cloud guest boot to cloud-init final and its job, in $((SECONDS - t)) s"
# The seed's Q3/Q4 from this boot (also in $out/report-$vendor.txt).
[ "$rc" -ne 0 ] || "$TOP/lab/report-cloud.sh" "$log" "$vendor" | tee "$out/report-$vendor.txt"
. "$TOP/lab/serial-outcome.sh"
serial_outcome "$log" "$rc" "run-cloud: $vendor" || exit
