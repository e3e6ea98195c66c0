#!/usr/bin/env bash
# Runs the README's commands as a newcomer on a fresh machine of another
# Debian release would: a root of RELEASE made by mmdebstrap (apt, git,
# make and nothing else of ours), a clean clone of this repository's HEAD
# in it, and `make TARGET...` there as root, with /proc, /sys and /dev of
# this machine (the lab's emulators, mmdebstrap and chroot need them) in a
# mount namespace of its own.  Nothing of this machine's cache or packages
# is seen inside: every package and kernel source comes from RELEASE's own
# suites, as on that release.  The root is made anew each run and removed
# afterwards (KEEP=1 keeps it, and prints where).  Needs root.
# How Debian 13 was proven to be a host (issue "Today's kernels"):
#   tests/release/as-newcomer.sh trixie demo
#   tests/release/as-newcomer.sh trixie check
# Exit status: make's, or 2 if the root cannot be made.
# usage: tests/release/as-newcomer.sh RELEASE TARGET...
set -euo pipefail
. "$(dirname "$0")/../../lab/env.sh"
. "$TOP/lab/debian-archive.sh"
PATH=$PATH:/usr/sbin:/sbin

die() { echo "as-newcomer: $2" >&2; exit "$1"; }
[ $# -ge 2 ] || die 2 "usage: $0 RELEASE TARGET..."
release=$1
shift
case $release in *[!a-z]*) die 2 "RELEASE is a Debian codename such as trixie, not '$release'" ;; esac
[ "$(id -u)" -eq 0 ] || die 2 "run as root: mmdebstrap and chroot need it"
"$TOP/lab/deps.sh" mmdebstrap git || exit 2
archive_apt || exit 2
# The release as a user's sources have it: the release and its security
# suite, from this machine's own Debian entry's URIs.
sources=$(for s in "$release" "$release-security"; do archive_source_line "$s"; done)
grep -q . <<<"$sources" || die 2 "no Debian URI to make a $release root from"

# How this machine reaches the archive, beyond its URIs: a mirror that
# serves a snapshot needs apt told not to judge its Release files' dates,
# and a user's machine on that mirror would have the same setting.
aptconf=$(apt-config dump | grep -E '^Acquire::Check-(Valid-Until|Date) ' || true)
root=$(mktemp -d "${TMPDIR:-/tmp}/kvm-exitstat-$release.XXXXXX")
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "as-newcomer: the root stays in $root" >&2 || rm -rf "$root"; }
trap cleanup EXIT
echo "as-newcomer: mmdebstrap $release into $root" >&2
opts=()
while read -r key value; do
	[ -n "$key" ] && opts+=("--aptopt=$key $value")
done <<<"$aptconf"
echo "$sources" | mmdebstrap --variant=apt --mode=root "${MMDEBSTRAP_UNSAFE_IO[@]}" "${opts[@]}" \
	--include=git,make,ca-certificates "$release" "$root" - >"$root.log" 2>&1 ||
	{ tail -n 20 "$root.log" >&2; die 2 "mmdebstrap $release failed (log: $root.log)"; }
rm -f "$root.log"
# The clone a newcomer makes: HEAD's commits only, not this work tree.
git clone -q --no-local "$TOP" "$root/root/kvm-exitstat"
cp -r "$TOP/../shared" "$root/root/shared" 2>/dev/null || true
echo "as-newcomer: in $release ($(. "$root/etc/os-release" && echo "$PRETTY_NAME")): make $*" >&2
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private bash -c '
	root=$1
	shift
	mount -t proc proc "$root/proc"
	mount -t sysfs sys "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/tmp"
	exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TERM=dumb \
		make -C /root/kvm-exitstat "$@"' as-newcomer "$root" "$@"
