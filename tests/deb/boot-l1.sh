#!/usr/bin/env bash
# Boots a Debian root file system in which DKMS built our modules (tests/deb/
# check.sh) as L1: Debian's own vmlinuz and initrd from its /boot, the root
# on a disk, and tests/deb/l1-init.sh as PID 1 (the seed's steps, then
# guests).  Unless DEB_CLOUD=0, the guests end with the Debian cloud guest
# (lab/cloud-guest.sh) launched by the root's own QEMU (tests/cloud/
# l1-cloud.sh), and the seed's Q3/Q4 of its boot follow (lab/report-cloud.sh).
# Prints L1's PASS/FAIL lines and "N passed, N failed".
# usage: tests/deb/boot-l1.sh ROOT ABI amd|intel OUTDIR
set -euo pipefail
. "$(dirname "$0")/../../lab/env.sh"
root=$1 abi=$2 vendor=$3 out=$4
PATH=$PATH:/usr/sbin:/sbin
mkdir -p "$out"
[ -f "$root/boot/initrd.img-$abi" ] ||
	{ echo "boot-l1: $root/boot/initrd.img-$abi missing: the root needs initramfs-tools"; exit 1; }

# The guest program, built in the lab tree, L1's init and a static busybox
# go into the root.
"$TOP/lab/exitstat-test.sh" "$out/exitstat_test" >&2
install -m 755 "$out/exitstat_test" "$root/usr/local/bin/exitstat_test"
install -m 755 "$TOP/tests/deb/l1-init.sh" "$root/usr/local/sbin/kvm-exitstat-l1"
install -m 755 /bin/busybox "$root/usr/local/bin/busybox"	# busybox-static (lab/deps.sh)
# The cloud guest's kernel, initrd, NoCloud seed and disk as files of the
# root (its disk is the only one L1 has), and L1's part of make cloud.
mem=1024 icount=1 tmo=600
[ "$vendor" = intel ] && tmo=3600
if [ "${DEB_CLOUD:-1}" != 0 ]; then
	eval "$("$TOP/lab/cloud-guest.sh" "$vendor" "$root/cloud")"
	cp --sparse=always "$CLOUD_DISK" "$root/cloud/disk.img"
	install -m 644 "$TOP/lab/lab-lib.sh" "$root/lab-lib.sh"
	install -m 755 "$TOP/tests/cloud/l1-cloud.sh" "$root/usr/local/sbin/kvm-exitstat-l1-cloud"
	# As make cloud: a whole systemd boot on the host's clock.
	mem=$CLOUD_L1_MEM tmo=$CLOUD_L1_TMO icount=0
fi

# The root as an ext4 disk, made from the directory (no loop mount needed).
img=$out/root.img
mb=$(du -sm --exclude=./proc "$root" | cut -f1)
rm -f "$img"
truncate -s $((mb * 13 / 10 + 256))M "$img"
t0=$SECONDS
mkfs.ext4 -q -F -L kvmexitstat-l1 -E root_owner=0:0 -d "$root" "$img"
echo "boot-l1: $((mb)) MiB root as $img in $((SECONDS - t0)) s"

log=$out/serial-$vendor.log
rc=0
t0=$SECONDS
LAB_ICOUNT=$icount LAB_DISK=$img LAB_MEM=$mem \
	LAB_APPEND="root=LABEL=kvmexitstat-l1 rw init=/usr/local/sbin/kvm-exitstat-l1" \
	"$TOP/lab/boot.sh" "$vendor" "$root/boot/vmlinuz-$abi" "$root/boot/initrd.img-$abi" "$log" "$tmo" >&2 || rc=$?
echo "boot-l1: $vendor: Debian's kernel on the DKMS root, boot and test in $((SECONDS - t0)) s (status $rc)"
tr -d '\r' <"$log" | grep -a '^L1\|^lab:\|^PASS\|^FAIL\|^kvm\|^/lib\|passed,' || true
rm -rf "$img" "$root/cloud"
# The seed's Q3/Q4, from the cloud guest's boot in this L1.
if [ "$rc" -eq 0 ] && [ "${DEB_CLOUD:-1}" != 0 ]; then
	"$TOP/lab/report-cloud.sh" "$log" "$vendor" | tee "$out/report-$vendor.txt" || rc=$?
fi
[ "$rc" -eq 0 ]
