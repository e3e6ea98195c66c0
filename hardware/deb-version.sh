#!/usr/bin/env bash
# Prints the package's version from debian/changelog after checking that
# its upstream part is the tool's EXITSTAT_VERSION (tool/cli.h): the one
# place the version is set.  Used by make deb and tests/deb/check.sh.
# Exit status: 0 they agree, 2 they do not (fix debian/changelog).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$(sed -n 's/^#define EXITSTAT_VERSION "\(.*\)"$/\1/p' "$top/tool/cli.h")
deb=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
# A native package's version has no Debian revision; a non-native one's
# upstream part ends at the last hyphen.
upstream=${deb%-*}
if [ -z "$tool" ] || [ "$upstream" != "$tool" ]; then
	echo "deb-version: debian/changelog says $deb but tool/cli.h's EXITSTAT_VERSION is '$tool': add a changelog entry (dch -v $tool) or fix the one that disagrees" >&2
	exit 2
fi
echo "$deb"
