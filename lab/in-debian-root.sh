#!/usr/bin/env bash
# Runs COMMAND inside the Debian root of linux-source-$KVER of VERSION
# (lab/debian-root.sh), with this tree and the cache mounted at their own
# paths: how a build against Debian's headers of a kernel that this
# machine's own release does not ship (7.3 on Debian 12, 6.1 on Debian 13)
# runs with the compiler and tools that kernel's headers were made for.
# The root is unpacked once beside its tarball and shared by the stages
# that build in it (they write only to the cache, and to mktemp names);
# each run mounts in a mount namespace of its own, so runs side by side do
# not see each other's mounts and none is left behind.  Inside, lab/deps.sh
# installs nothing (EXITSTAT_NO_INSTALL=1): the root has what the builds
# need.  Needs root.  Exit status: COMMAND's, or 2.
# usage: lab/in-debian-root.sh VERSION COMMAND...
set -euo pipefail
. "$(dirname "$0")/env.sh"
PATH=$PATH:/usr/sbin:/sbin

srcver=${1:?usage: $0 VERSION COMMAND...}
shift
vars=$("$TOP/lab/debian-root.sh" "$srcver") || exit 2
eval "$vars"
root=${DEB_ROOT_TAR%.tar}.d
exec 8>"$root.lock"
flock 8
if [ ! -f "$root/.unpacked" ]; then
	rm -rf "$root" && mkdir -p "$root"
	tar -xf "$DEB_ROOT_TAR" -C "$root"
	touch "$root/.unpacked"
fi
flock -u 8
mkdir -p "$root$TOP" "$root$EXITSTAT_CACHE"
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private bash -c '
	root=$1 top=$2 cache=$3
	shift 3
	mount -t proc proc "$root/proc"
	mount --bind "$top" "$root$top"
	mount --bind "$cache" "$root$cache"
	exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		KVER="$KVER" EXITSTAT_CACHE="$cache" EXITSTAT_NO_INSTALL=1 "$@"' \
	in-debian-root "$root" "$TOP" "$EXITSTAT_CACHE" "$@"
