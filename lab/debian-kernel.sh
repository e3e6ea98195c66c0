#!/usr/bin/env bash
# Debian's own distribution kernel as the lab's L1 (design.md section 4):
# the linux-image-<abi> of exactly the version of linux-source-$KVER,
# downloaded from the archive and unpacked into the cache (never installed
# here), and our kvm, kvm-intel and kvm-amd built the real host's way
# (hardware/build-modules.sh against Debian's linux-headers-<abi>, inside a
# root of the release that ships them if this machine's does not).
# Prints three lines for the caller to eval:
#   DEB_RELEASE=<abi>  DEB_IMAGE=<unpacked image>  DEB_KVM=<our modules>
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/lab/debian-archive.sh"

die() { echo "debian-kernel: $2" >&2; exit "$1"; }
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null) ||
	die 2 "linux-source-$KVER is not installed (make deps installs it)"
hpkg=$(headers_pkg "$srcver")
[ -n "$hpkg" ] ||
	die 2 "the archive has no linux-headers-amd64 $srcver (apt-get update, or the archive moved on: update linux-source-$KVER too)"
rel=${hpkg#linux-headers-}

image=$EXITSTAT_CACHE/debian-image-$rel
if [ "$(cat "$image/.version" 2>/dev/null)" != "$srcver" ]; then
	echo "debian-kernel: downloading linux-image-$rel $srcver" >&2
	rm -rf "$image" && mkdir -p "$image/deb"
	# apt's sandbox user may not write to the cache: download as root there.
	# From the archive's suites if this machine's own do not have it.
	apt=()
	host_has "linux-image-$rel=$srcver" || { archive_apt && apt=("${ARCHIVE_APT[@]}"); }
	# Since 7.x the image package is split: its files are in the packages
	# of the same ABI it depends on (linux-binary-, linux-modules-<abi>).
	pkgs=$( { echo "linux-image-$rel"
		apt-cache "${apt[@]}" show "linux-image-$rel=$srcver" | sed -n 's/^Depends: //p' |
			tr ',' '\n' | grep -o "linux-[a-z]*-$rel\b" || :; } | sort -u | sed "s/\$/=$srcver/")
	# shellcheck disable=SC2086 # one package a word
	(cd "$image/deb" && apt-get -q -o APT::Sandbox::User=root "${apt[@]}" download $pkgs >&2) ||
		die 2 "cannot download $(echo $pkgs) from the archive (network, or apt-get update)"
	for deb in "$image"/deb/*.deb; do dpkg-deb -x "$deb" "$image"; done
	# Debian 13's packages put modules under /usr/lib/modules (its /lib is
	# /usr/lib), and 7.x's its vmlinuz there too (installing it links
	# /boot/vmlinuz-<abi> to it).
	[ -e "$image/lib" ] || [ ! -d "$image/usr/lib/modules" ] || ln -s usr/lib "$image/lib"
	if [ -f "$image/usr/lib/modules/$rel/vmlinuz" ]; then
		mkdir -p "$image/boot"
		ln -f "$image/usr/lib/modules/$rel/vmlinuz" "$image/boot/vmlinuz-$rel"
	fi
	# What installing the package runs: modprobe -d "$image" then works.
	/usr/sbin/depmod -b "$image" "$rel"
	rm -rf "$image/deb"
	echo "$srcver" >"$image/.version"
fi
[ -f "$image/boot/vmlinuz-$rel" ] || die 1 "$image holds no boot/vmlinuz-$rel"

# Against its headers with the tools of its own release: here, or in a
# root of that release (tests/hardware/check.sh's step 2 the same way).
kvm=$EXITSTAT_CACHE/modules-$rel
if host_has "$hpkg=$srcver"; then
	"$TOP/lab/deps.sh" "$hpkg=$srcver" >&2 || exit 2
	KDIR=/usr/src/$hpkg OUT=$kvm "$TOP/hardware/build-modules.sh" >&2
else
	"$TOP/lab/in-debian-root.sh" "$srcver" env KDIR="/usr/src/$hpkg" OUT="$kvm" \
		"$TOP/hardware/build-modules.sh" >&2
fi
echo "DEB_RELEASE=$rel"
echo "DEB_IMAGE=$image"
echo "DEB_KVM=$kvm"
