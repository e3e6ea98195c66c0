# Sourced by the scripts that ask Debian's archive for kernels and roots:
# the two questions they share, asked one way.

# bookworm_sources [backports]: this machine's own Debian bookworm suites,
# as apt knows them, as sources.list lines ("deb URI SUITE main"); says so
# and returns 2 if it has no bookworm.  (bookworm's kernel source and
# headers come from bookworm-security; 6.12's from bookworm-backports,
# listed if asked for.)
bookworm_sources() {
	local lines
	lines=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' | sort -u |
		awk -v bpo="${1:-}" '$2 ~ /^bookworm(-updates|-security)?$/ || (bpo != "" && $2 == "bookworm-backports") {
			print "deb " $1 " " $2 " main" }')
	grep -q ' bookworm main$' <<<"$lines" || {
		echo "this machine's apt sources name no Debian bookworm suite (apt-get indextargets): add one, then apt-get update" >&2
		return 2
	}
	echo "$lines"
}

# headers_pkg VERSION: linux-headers-<abi>, the package that
# linux-headers-amd64 of VERSION depends on - the ABI of that very kernel
# version (the archive also lists older ABIs: pick by version, not by the
# highest number); nothing if the archive has no such version.
headers_pkg() {
	apt-cache show "linux-headers-amd64=$1" 2>/dev/null |
		sed -n 's/^Depends: \(linux-headers-[^ ,]*\).*/\1/p' | head -n 1
}

# mmdebstrap options for a root that is thrown away if anything fails: dpkg
# without an fsync per file (minutes on a slow disk), and that setting not
# left behind in the root (mmdebstrap writes --dpkgopt into its dpkg.cfg.d).
MMDEBSTRAP_UNSAFE_IO=(--dpkgopt=force-unsafe-io
	--customize-hook='rm -f "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap"')
