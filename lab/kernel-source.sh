#!/usr/bin/env bash
# Makes sure Debian's linux-source-SERIES is installed in the newest point
# release there is, the one the hooks are made for.  A series this
# machine's release has (Debian 12: 6.1, and 6.12 in bookworm-security) is
# installed by lab/deps.sh from the machine's own suites.  Any other (7.3
# lives in trixie-backports, 7.2 in sid; 6.1 is not in Debian 13) is
# fetched through lab/debian-archive.sh's private apt state and installed as
# a local .deb (it needs only binutils and xz-utils), so apt knows it and
# removes it like any other, and the machine's apt sources stay as they are.
# Prints "linux-source-SERIES VERSION".  Not root: says the one command that
# installs it and exits 2.
# usage: lab/kernel-source.sh SERIES
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/lab/debian-archive.sh"

series=${1:?usage: $0 SERIES}
pkg=linux-source-$series
if [ -n "$(apt-cache madison "$pkg" 2>/dev/null)" ]; then
	"$TOP/lab/deps.sh" "$pkg/newest" >&2
	echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
	exit 0
fi
archive_apt || exit 2
want=$(archive_newest "$pkg")
installed=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null) || installed=
[ -n "$want" ] || { echo "kernel-source: no $pkg in Debian's archive (suites: $(echo $ARCHIVE_SUITES))" >&2; exit 2; }
if [ "$installed" = "install ok installed $want" ]; then
	echo "$pkg $want"
	exit 0
fi
deb=$EXITSTAT_CACHE/apt/cache/archives/${pkg}_${want//:/%3a}_all.deb
if [ "$(id -u)" -ne 0 ]; then
	echo "kvm-exitstat needs $pkg $want from Debian's archive; as root: $0 $series" >&2
	exit 2
fi
echo "kernel-source: fetching $pkg $want from Debian's archive" >&2
(cd "$EXITSTAT_CACHE/apt/cache/archives" && apt-get "${ARCHIVE_APT[@]}" -qq download "$pkg=$want") >&2
exec 7>/run/lock/kvm-exitstat-deps.lock
flock 7
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
rm -f "$deb"
echo "$pkg $want"
