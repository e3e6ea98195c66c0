#!/usr/bin/env bash
# Adds the backports suite of this machine's Debian release (where
# linux-source-6.12 lives) by copying the machine's own Debian archive entry
# with only the suite name changed: no mirror host is written anywhere.
set -euo pipefail

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "cannot tell the Debian release" >&2; exit 2; }
suite=$codename-backports
out=/etc/apt/sources.list.d/kvm-exitstat-backports.sources

if grep -rqsE "^(Suites:.*[[:space:]]|deb .*[[:space:]])$suite([[:space:]]|$)" \
	/etc/apt/sources.list /etc/apt/sources.list.d/; then
	exit 0		# already there, ours or the admin's
fi

# The first entry that carries the release suite itself (not -security).
uri=$(awk -v s="$codename" '
	/^URIs:/ { u = $2 }
	/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && u != "") { print u; exit } }
	/^$/ { u = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
	uri=$(awk -v s="$codename" '$1 == "deb" && $3 == s { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$uri" ] || { echo "no Debian entry for $codename to derive $suite from" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || {
	echo "adding $suite needs root: sudo $0" >&2
	exit 2
}
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
	"$uri" "$suite" > "$out"
echo "kvm-exitstat: added $suite (from the $codename entry) in $out"
apt-get update -qq
