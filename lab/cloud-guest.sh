#!/usr/bin/env bash
# The Debian cloud guest of issue 14 (the seed's steps 6-7): a bookworm
# root made by mmdebstrap from Debian's archive as this machine reaches it - Debian's
# cloud kernel, systemd, cloud-init, cpuid, DHCP on the virtio NIC - plus
# our static exitstat, as an ext4 disk image; and a NoCloud seed made by
# cloud-localds from tests/cloud/user-data and meta-data (plus
# lab/report-l2.sh, make report's workload phases).
# The image is built once and kept in $EXITSTAT_CACHE/cloud-guest/, keyed
# by the archive, the package versions and exitstat; the seed is remade
# every time (it is small).  Prints the files for the caller to eval:
#   CLOUD_KERNEL=  CLOUD_INITRD=  CLOUD_DISK=  CLOUD_SEED=
# With VENDOR and DIR (for the L1 that launches the guest): copies the
# kernel, initrd and seed into DIR as vmlinuz, initrd and seed.img, and
# prints that L1's size too: CLOUD_L1_MEM= (MiB) and CLOUD_L1_TMO= (s of
# emulator CPU time, a whole systemd boot on the host's clock).
# usage: lab/cloud-guest.sh [amd|intel DIR]
# Where the guest would install cpuid from the network (apt-get install
# cpuid in user-data, as the seed does), the image has it already: the lab
# runs without a network, and L2's user-mode network gives DHCP only.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/lab/debian-archive.sh"
PATH=$PATH:/usr/sbin:/sbin
die() { echo "cloud-guest: $2" >&2; exit "$1"; }
[ "$(id -u)" -eq 0 ] || die 2 "run as root: mmdebstrap needs it"
"$TOP/lab/deps.sh" mmdebstrap cloud-image-utils e2fsprogs >&2 || exit 2
make -s -C "$TOP" build/exitstat-static >&2

# The guest stays Debian 12, the seed's guest and the one the report's
# figures come from, whatever the host runs: its suites are derived from
# this machine's Debian entry, so a Debian 13 host makes the same image.
archive_apt || exit 2
sources=$(for s in bookworm bookworm-security; do archive_source_line "$s"; done)
pkgs=(linux-image-cloud-amd64 systemd-sysv udev cloud-init cpuid ifupdown isc-dhcp-client
	initramfs-tools e2fsprogs sudo)
# What mmdebstrap does beyond installing: the root on the disk's label,
# the loopback interface (cloud-init writes the NIC's).
hooks=('echo "LABEL=cloudroot / ext4 defaults 0 1" >"$1/etc/fstab"'
	'printf "auto lo\niface lo inet loopback\n" >"$1/etc/network/interfaces"')
key=$( { echo "$sources"; archive_versions "bookworm bookworm-security" "${pkgs[@]}"
	printf '%s\n' "${hooks[@]}"; sha256sum <"$TOP/build/exitstat-static"; } | sha256sum | cut -c1-16)
dir=$EXITSTAT_CACHE/cloud-guest
img=$dir/bookworm-$key
mkdir -p "$dir"
# make check boots the guest for each kernel at once: one maker of the image
# at a time, and the seed replaced by rename, never rewritten in place, so
# that a run copying it meanwhile reads a whole one.
exec 8>"$dir/.lock"
flock 8
if [ ! -f "$img.img" ]; then
	rm -rf "$dir"/bookworm-*	# another key's: other versions
	echo "cloud-guest: mmdebstrap bookworm ${pkgs[*]} (once; several minutes)" >&2
	root=$(mktemp -d "$dir/root.XXXXXX")
	trap 'rm -rf "$root"' EXIT
	t0=$SECONDS
	echo "$sources" | nice mmdebstrap --variant=apt --mode=root "${MMDEBSTRAP_UNSAFE_IO[@]}" \
		--include="$(IFS=,; echo "${pkgs[*]}")" \
		--customize-hook="${hooks[0]}" --customize-hook="${hooks[1]}" \
		bookworm "$root" - >"$dir/mmdebstrap.log" 2>&1 ||
		{ tail -n 20 "$dir/mmdebstrap.log" >&2; die 2 "mmdebstrap failed (log: $dir/mmdebstrap.log): is the archive reachable?"; }
	install -m 755 "$TOP/build/exitstat-static" "$root/usr/local/bin/exitstat"
	cp "$root"/boot/vmlinuz-* "$img.vmlinuz"
	cp "$root"/boot/initrd.img-* "$img.initrd"
	mb=$(du -sm "$root" | cut -f1)
	truncate -s $((mb * 13 / 10 + 512))M "$img.img.tmp"
	mkfs.ext4 -q -F -L cloudroot -E root_owner=0:0 -d "$root" "$img.img.tmp"
	mv "$img.img.tmp" "$img.img"
	echo "cloud-guest: image $img.img ($mb MiB of files) made in $((SECONDS - t0)) s" >&2
fi
seed=$dir/seed.img
# The user-data, and as its second part the workload phases of make report
# (lab/report-l2.sh), a script that cloud-init's final stage runs just before
# runcmd (scripts_user runs its scripts in name order).
write-mime-multipart -o "$dir/user-data.mime" "$TOP/tests/cloud/user-data:text/cloud-config" \
	"$TOP/lab/report-l2.sh:text/x-shellscript"
cloud-localds "$seed.tmp" "$dir/user-data.mime" "$TOP/tests/cloud/meta-data"
mv "$seed.tmp" "$seed"
if [ $# -eq 2 ]; then
	mkdir -p "$2"
	cp "$img.vmlinuz" "$2/vmlinuz"
	cp "$img.initrd" "$2/initrd"
	cp "$seed" "$2/seed.img"
	# L2 has 1 GiB of L1's memory; Bochs gives a machine at most 2048 MiB.
	case $1 in
	amd) echo "CLOUD_L1_MEM=2560 CLOUD_L1_TMO=1800" ;;
	intel) echo "CLOUD_L1_MEM=2048 CLOUD_L1_TMO=14400" ;;
	*) die 2 "vendor must be amd or intel, not '$1'" ;;
	esac
fi
echo "CLOUD_KERNEL=$img.vmlinuz"
echo "CLOUD_INITRD=$img.initrd"
echo "CLOUD_DISK=$img.img"
echo "CLOUD_SEED=$seed"
