#!/bin/bash
# Prepares an L2 Linux guest for the L1 initramfs: fills TREE with Debian's
# qemu-system-x86_64 (its libraries as ldd lists them, its firmware) and
# /l2/bzImage + /l2/initrd.gz, the same lab kernel with a small initramfs:
# busybox-static, Debian's cpuid with its libc, exitstat-static, nocpuid
# (tests/lab/nocpuid.c) and JOB as /job.sh.  lab/initramfs.sh copies TREE into L1 (INITRAMFS_TREE=TREE), and
# l2_boot in lab-lib.sh runs it there.
# usage: lab/l2.sh TREE JOB.sh      (JOB "-": QEMU only, no L2 of ours)
set -euo pipefail

. "$(dirname "$0")/env.sh"	# KTREE, TOP
[ $# -eq 2 ] || { echo "usage: $0 TREE JOB.sh" >&2; exit 2; }
tree=$1 job=$2
exitstat=$TOP/build/exitstat-static
qemu=$(command -v qemu-system-x86_64) ||
	{ echo "l2: qemu-system-x86_64 missing: apt-get install qemu-system-x86" >&2; exit 1; }
cpuid=$(command -v cpuid) || { echo "l2: cpuid missing: apt-get install cpuid" >&2; exit 1; }
[ -x "$exitstat" ] || { echo "l2: $exitstat missing: make build/exitstat-static" >&2; exit 1; }
firmware="/usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin"
for f in $firmware; do
	[ -f "$f" ] || { echo "l2: $f missing (packages seabios, qemu-system-data)" >&2; exit 1; }
done

# put ROOT FILE...: FILE and every library ldd lists, at the same paths.
put_with_libs() {
	local root=$1 f lib
	shift
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
		for lib in $(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

rm -rf "$tree"
mkdir -p "$tree/l2"

# The L2 initramfs.
[ "$job" = - ] || {
	l2=$(mktemp -d)
	trap 'rm -rf "$l2"' EXIT
	mkdir -p "$l2"/{bin,dev,proc,sys,tmp}
	cp /bin/busybox "$l2/bin/busybox"
	ln -s busybox "$l2/bin/sh"
	put_with_libs "$l2" "$cpuid"
	install -m 755 "$exitstat" "$l2/bin/exitstat"
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -nostdlib -static -fno-stack-protector \
		-o "$l2/bin/nocpuid" "$TOP/tests/lab/nocpuid.c"
	install -m 755 "$TOP/lab/l2-init.sh" "$l2/init"
	install -m 755 "$job" "$l2/job.sh"
	(cd "$l2" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip >"$tree/l2/initrd.gz"
	cp "$KTREE/arch/x86/boot/bzImage" "$tree/l2/bzImage"
}

# QEMU for L1.
put_with_libs "$tree" "$qemu"
for f in $firmware; do
	mkdir -p "$tree$(dirname "$f")"
	cp -L "$f" "$tree$f"
done
echo "l2: $tree: qemu + $(find "$tree" -name '*.so*' | wc -l) libraries," \
	"all $(du -sk "$tree" | cut -f1) KiB"
