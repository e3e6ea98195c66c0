#!/usr/bin/env bash
# Makes sure the Debian packages named in the arguments are installed: as
# root it installs what is missing; otherwise it prints the one command that
# does and exits 2, so a newcomer's first `make` says exactly what to type.
# A name written PKG/backports comes from the release's backports suite,
# which lab/add-backports.sh adds first; one written PKG/newest must be
# installed in the version apt would install now (Debian's kernel sources
# move on, and the hooks follow the newest); one written PKG=VERSION must be
# installed in exactly that version.
# EXITSTAT_NO_INSTALL=1: only check, never install - for builds run where
# apt must not be used, such as DKMS's during a package install (apt holds
# its lock then): a missing package fails, exit 2, with its name.
set -euo pipefail

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
# make check's stages run side by side, and apt takes one at a time: look
# and install under one lock, so a second caller finds the first's work done.
no_install=${EXITSTAT_NO_INSTALL:-0}
if [ "$(id -u)" -eq 0 ] && [ "$no_install" != 1 ]; then
	exec 7>/run/lock/kvm-exitstat-deps.lock
	flock 7
fi
missing=() backports=0
for pkg in "$@"; do
	name=${pkg%/*} want=
	case $name in *=*) want=${name#*=} name=${name%%=*} ;; esac
	if [ "${pkg#*/}" = newest ]; then
		want=$(apt-cache policy "$name" 2>/dev/null | sed -n 's/^  Candidate: //p')
		[ "$want" != "(none)" ] || want=
		pkg=$name${want:+=$want}
	fi
	status=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null) || status=
	[ "${status% *}" = "install ok installed" ] && [ -z "$want" ] && continue
	[ "$status" = "install ok installed $want" ] && continue
	if [ "${pkg#*/}" = backports ]; then
		pkg=${pkg%/*}/$codename-backports
		backports=1
	fi
	missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$no_install" = 1 ]; then
	echo "kvm-exitstat needs these Debian packages, and installs nothing here (EXITSTAT_NO_INSTALL=1): ${missing[*]}" >&2
	echo "  install them with: apt-get install ${missing[*]}" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "kvm-exitstat needs these Debian packages; install them with:" >&2
	[ $backports -eq 1 ] && echo "  sudo $(dirname "$0")/add-backports.sh &&" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 2
fi
echo "kvm-exitstat: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
[ $backports -eq 1 ] && "$(dirname "$0")/add-backports.sh"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
