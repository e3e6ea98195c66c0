#!/usr/bin/env bash
# Boots a Debian root file system in which DKMS built our modules (tests/deb/
# check.sh) as L1: Debian's own vmlinuz and initrd from its /boot, the root
# on a disk, and tests/deb/l1-init.sh as PID 1 (the seed's steps, then
# guests).  Prints L1's PASS/FAIL lines and "N passed, N failed".
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
LAB_DISK=$img LAB_MEM=1024 LAB_APPEND="root=LABEL=kvmexitstat-l1 rw init=/usr/local/sbin/kvm-exitstat-l1" \
	"$TOP/lab/boot.sh" "$vendor" "$root/boot/vmlinuz-$abi" "$root/boot/initrd.img-$abi" "$log" \
	"$([ "$vendor" = intel ] && echo 3600 || echo 600)" >&2 || rc=$?
echo "boot-l1: $vendor: Debian's kernel on the DKMS root, boot and test in $((SECONDS - t0)) s (status $rc)"
tr -d '\r' <"$log" | grep -a '^L1\|^PASS\|^FAIL\|^kvm\|^/lib\|passed,' || true
rm -f "$img"
[ "$rc" -eq 0 ]
