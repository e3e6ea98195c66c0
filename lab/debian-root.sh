#!/usr/bin/env bash
# A Debian root file system of the release whose kernel is linux-source-
# $KVER of VERSION, with that kernel's image, headers and source, DKMS and
# the build tools, Debian's QEMU and initramfs-tools (it is also booted):
# made once by mmdebstrap from the archive's suites (lab/debian-archive.sh:
# the release, its security suite, and the suite that has VERSION, such as
# trixie-backports for 7.3) and kept as a tarball under $EXITSTAT_CACHE/
# deb-root, keyed by its sources, packages and their versions.  Used by
# make deb-check (the package installed there) and, for a kernel that this
# machine's own release does not have, by the builds against Debian's
# headers (lab/in-debian-root.sh runs them inside it).  Needs root.
# Prints lines for the caller to eval:
#   DEB_SUITE=<release>  DEB_ABI=<abi>  DEB_HPKG=linux-headers-<abi>
#   DEB_ROOT_TAR=<tarball>
# Exit 2 if the archive cannot give it.
# usage: lab/debian-root.sh VERSION
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/lab/debian-archive.sh"
PATH=$PATH:/usr/sbin:/sbin

die() { echo "debian-root: $2" >&2; exit "$1"; }
srcver=${1:?usage: $0 VERSION}
[ "$(id -u)" -eq 0 ] || die 2 "run as root: mmdebstrap needs it"
"$TOP/lab/deps.sh" mmdebstrap >&2 || exit 2
archive_apt || exit 2

# The suites that have this very version name the release (6.1.192-3:
# bookworm-security, so bookworm; 7.3.4-1~bpo13+1: trixie-backports).
has=$(apt-cache "${ARCHIVE_APT[@]}" madison "linux-source-$KVER" |
	awk -F'|' -v v="$srcver" '{ gsub(/ /, "", $2) } $2 == v { split($3, a, " "); sub(/\/.*/, "", a[2]); print a[2] }' | sort -u)
[ -n "$has" ] || die 2 "Debian's archive has no linux-source-$KVER $srcver (suites: ${ARCHIVE_SUITES//$'\n'/ })"
release=$(head -n 1 <<<"$has")
release=${release%%-*}
suites=$( { echo "$release"; echo "$release-security"; echo "$has"; } | awk '!seen[$0]++' | tr '\n' ' ')
sources=$(for s in $suites; do archive_source_line "$s"; done)
hpkg=$(headers_pkg "$srcver")
[ -n "$hpkg" ] || die 2 "the archive has no linux-headers-amd64 $srcver to match linux-source-$KVER $srcver"
abi=${hpkg#linux-headers-}

# initramfs-tools: the root is booted, on Debian's own initrd; qemu-system-
# x86: there, it launches the cloud guest, as on a user's host; openssl:
# the hardware test signs modules with a key of its own.
pkgs=(dkms gcc make git kmod xz-utils binutils initramfs-tools qemu-system-x86 openssl)
pinned=("linux-source-$KVER=$srcver" "$hpkg=$srcver" "linux-image-$abi=$srcver")
# A kernel from backports takes the rest of the kernel's packages from there
# too (linux-base), as `apt-get install -t <release>-backports` would.
hooks=()
for s in $has; do
	case $s in
	*-backports) hooks+=(--setup-hook="mkdir -p \"\$1/etc/apt/preferences.d\" && printf 'Package: linux-*\\nPin: release n=$s\\nPin-Priority: 500\\n' >\"\$1/etc/apt/preferences.d/kernel-$s\"") ;;
	esac
done
key=$( { echo "$sources"; printf '%s\n' "${pinned[@]}"
	archive_versions "$suites" "${pkgs[@]}"; } | sha256sum | cut -c1-16)
cache=$EXITSTAT_CACHE/deb-root
tarball=$cache/$release-$KVER-$key.tar
mkdir -p "$cache"
# Stages of one make check ask for the same root side by side: one makes it.
exec 8>"$cache/.lock-$release-$KVER"
flock 8
if [ ! -f "$tarball" ]; then
	# An older key's (other versions), and its unpacked copy.
	rm -rf "$cache/$release-$KVER"-*.tar "$cache/$release-$KVER"-*.d "$cache/$release-$KVER"-*.d.lock
	echo "debian-root: mmdebstrap $release ($suites): ${pkgs[*]} ${pinned[*]} (once; several minutes)" >&2
	t0=$SECONDS
	if ! echo "$sources" | nice mmdebstrap --variant=apt --mode=root --format=tar "${MMDEBSTRAP_UNSAFE_IO[@]}" "${hooks[@]}" \
		--include="$(IFS=,; echo "${pkgs[*]},${pinned[*]}")" \
		"$release" "$tarball.tmp" - >"$cache/mmdebstrap-$release-$KVER.log" 2>&1; then
		tail -n 20 "$cache/mmdebstrap-$release-$KVER.log" >&2
		rm -f "$tarball.tmp"
		die 2 "mmdebstrap failed (log: $cache/mmdebstrap-$release-$KVER.log): is the archive reachable, and has it these versions?"
	fi
	mv "$tarball.tmp" "$tarball"
	echo "debian-root: root file system made in $((SECONDS - t0)) s" >&2
fi
echo "DEB_SUITE=$release"
echo "DEB_ABI=$abi"
echo "DEB_HPKG=$hpkg"
echo "DEB_ROOT_TAR=$tarball"
