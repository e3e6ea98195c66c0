#!/usr/bin/env bash
# Runs COMMAND inside a fresh copy of the Debian root of linux-source-$KVER
# of VERSION (lab/debian-root.sh), with this tree and the cache mounted at
# their own paths: how a build against Debian's headers of a kernel that
# this machine's own release does not ship (7.3 on Debian 12, 6.1 on Debian
# 13) runs with the compiler and tools that kernel's headers were made for.
# Inside, lab/deps.sh installs nothing (EXITSTAT_NO_INSTALL=1): the root has
# what the builds need.  Needs root.  Exit status: COMMAND's, or 2.
# usage: lab/in-debian-root.sh VERSION COMMAND...
set -euo pipefail
. "$(dirname "$0")/env.sh"
PATH=$PATH:/usr/sbin:/sbin

srcver=${1:?usage: $0 VERSION COMMAND...}
shift
vars=$("$TOP/lab/debian-root.sh" "$srcver") || exit 2
eval "$vars"
root=$(mktemp -d "${DEB_ROOT_TAR%/*}/run.XXXXXX")
mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done
	# Never remove a tree with something still mounted in it.
	if findmnt -rno TARGET | grep -q "^$root/"; then
		echo "in-debian-root: $root still has mounts; not removing it" >&2
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
tar -xf "$DEB_ROOT_TAR" -C "$root"
mount -t proc proc "$root/proc" && mounts=("$root/proc")
for d in "$TOP" "$EXITSTAT_CACHE"; do
	mkdir -p "$root$d"
	mount --bind "$d" "$root$d" && mounts=("$root$d" "${mounts[@]}")
done
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
	KVER="$KVER" EXITSTAT_CACHE="$EXITSTAT_CACHE" EXITSTAT_NO_INSTALL=1 "$@"
