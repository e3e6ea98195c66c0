#!/bin/bash
# Builds the L1 initramfs: busybox-static, the patched kvm modules of
# $KTREE, the lab /init and helpers, a scenario script and static binaries.
# usage: lab/initramfs.sh OUT.cpio.gz SCENARIO.sh [STATIC-BINARY...]
# INITRAMFS_TREE=DIR: also copy DIR's contents into the root (lab/l2.sh).
# KVM_MODULES=DIR: kvm.ko, kvm-intel.ko and kvm-amd.ko from DIR instead of
# $KTREE (the ones hardware/build-modules.sh built out of tree).
# L1_IMAGE=DIR L1_RELEASE=REL: L1 is a distribution kernel (DIR: its
# unpacked linux-image, lab/debian-kernel.sh): the other modules come from
# DIR/lib/modules/REL, uncompressed, each with what it depends on:
# irqbypass, ccp (which its kvm-amd needs) and L1_EXTRA_MODULES (names).
set -euo pipefail

. "$(dirname "$0")/env.sh"	# KTREE: the built kernel tree
here=$TOP/lab
[ $# -ge 2 ] || { echo "usage: $0 OUT.cpio.gz SCENARIO.sh [BINARY...]" >&2; exit 2; }
out=$1 scenario=$2
shift 2

busybox=/bin/busybox
# A dynamic busybox (package busybox) names its loader /lib64/ld-linux...;
# L1 has no libc.
if [ ! -x "$busybox" ] || LC_ALL=C grep -q '/lib64/ld-linux' "$busybox"; then
	echo "initramfs: $busybox missing or not static: apt-get install busybox-static" >&2
	exit 1
fi
release=${L1_RELEASE:-$(cat "$KTREE/include/config/kernel.release")}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules/"$release"/kernel}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
# Keep the tree's layout so depmod and modprobe see what they expect.
dir=$root/lib/modules/$release
put() {	# put FROM TO: a module file, uncompressed
	mkdir -p "$(dirname "$2")"
	case $1 in *.xz) xz -dc "$1" >"$2" ;; *) cp "$1" "$2" ;; esac
}
for m in arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko arch/x86/kvm/kvm-amd.ko; do
	put "${KVM_MODULES:-$KTREE/arch/x86/kvm}/${m##*/}" "$dir/kernel/$m"
done
if [ -z "${L1_IMAGE:-}" ]; then
	put "$KTREE/virt/lib/irqbypass.ko" "$dir/kernel/virt/lib/irqbypass.ko"
else
	# kmod's modprobe lists what a module needs, in the image's own tree:
	# kvm's irqbypass, kvm-amd's ccp, L1_EXTRA_MODULES.
	for name in irqbypass ccp ${L1_EXTRA_MODULES:-}; do
		/usr/sbin/modprobe -d "$L1_IMAGE" -S "$release" --show-depends "$name" |
			awk '$1 == "insmod" { print $2 }' | while read -r from; do
			m=${from#"$L1_IMAGE/lib/modules/$release/"}
			put "$from" "$dir/${m%.xz}"
		done
	done
fi
"$busybox" depmod -b "$root" "$release"
install -m 755 "$here/init.sh" "$root/init"
install -m 644 "$here/lab-lib.sh" "$root/lab-lib.sh"
install -m 755 "$scenario" "$root/scenario.sh"
for b in "$@"; do
	install -m 755 "$b" "$root/bin/$(basename "$b")"
done
if [ -n "${INITRAMFS_TREE:-}" ]; then
	cp -a "$INITRAMFS_TREE/." "$root/"
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip >"$out"
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB, kernel $release)"
