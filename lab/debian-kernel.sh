#!/usr/bin/env bash
# Debian's own distribution kernel as the lab's L1 (design.md section 4):
# the linux-image-<abi> of exactly the version of linux-source-$KVER,
# downloaded from the archive and unpacked into the cache (never installed
# here), and our kvm, kvm-intel and kvm-amd built the real host's way
# (hardware/build-modules.sh against Debian's linux-headers-<abi>).
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
	(cd "$image/deb" && apt-get -q -o APT::Sandbox::User=root download \
		"linux-image-$rel=$srcver" >&2) ||
		die 2 "cannot download linux-image-$rel $srcver from the archive (network, or apt-get update)"
	dpkg-deb -x "$image"/deb/*.deb "$image"
	# What installing the package runs: modprobe -d "$image" then works.
	/usr/sbin/depmod -b "$image" "$rel"
	rm -rf "$image/deb"
	echo "$srcver" >"$image/.version"
fi
[ -f "$image/boot/vmlinuz-$rel" ] || die 1 "$image holds no boot/vmlinuz-$rel"

"$TOP/lab/deps.sh" "$hpkg=$srcver" >&2 || exit 2
kvm=$EXITSTAT_CACHE/modules-$rel
KDIR=/usr/src/$hpkg OUT=$kvm "$TOP/hardware/build-modules.sh" >&2
echo "DEB_RELEASE=$rel"
echo "DEB_IMAGE=$image"
echo "DEB_KVM=$kvm"
