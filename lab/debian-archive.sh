# Sourced by the scripts that ask Debian's archive for kernels and roots:
# the two questions they share, asked one way.

# headers_pkg VERSION: linux-headers-<abi>, the package that
# linux-headers-amd64 of VERSION depends on - the ABI of that very kernel
# version (the archive also lists older ABIs: pick by version, not by the
# highest number); nothing if the archive has no such version.  A release's
# second kernel (bookworm-security's 6.12) has a meta-package of its own,
# linux-headers-X.Y-amd64, and is asked through that one.  (7.x's meta-
# package depends on linux-base-amd64 first.)
# A version this machine's own suites do not have (7.3 on Debian 12) is
# asked of the archive's (archive_apt).
headers_pkg() {
	local series pkg
	series=$(echo "$1" | cut -d. -f1-2)
	pkg=$(apt-cache show "linux-headers-amd64=$1" "linux-headers-$series-amd64=$1" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-headers-[^ ,]*\).*/\1/p' | head -n 1)
	if [ -z "$pkg" ] && archive_apt; then
		pkg=$(apt-cache "${ARCHIVE_APT[@]}" show "linux-headers-amd64=$1" "linux-headers-$series-amd64=$1" 2>/dev/null |
			sed -n 's/^Depends:.*\(linux-headers-[^ ,]*\).*/\1/p' | head -n 1)
	fi
	echo "$pkg"
}

# host_has PACKAGE=VERSION: this machine's own suites have it (so apt here
# installs it, and it runs here).
host_has() { [ -n "$(apt-cache show "$1" 2>/dev/null | head -n 1)" ]; }

# mmdebstrap options for a root that is thrown away if anything fails: dpkg
# without an fsync per file (minutes on a slow disk), and that setting not
# left behind in the root (mmdebstrap writes --dpkgopt into its dpkg.cfg.d).
MMDEBSTRAP_UNSAFE_IO=(--dpkgopt=force-unsafe-io
	--customize-hook='rm -f "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap"')

# Every Debian suite that may carry a kernel, asked through a private apt
# state (lists, cache and sources of its own, under the cache) made from
# the URIs of this machine's own Debian entries with only the suite changed:
# the machine's apt configuration is never touched, and no mirror's host
# name is written anywhere.  experimental is left out: it holds release
# candidates, never a series' newest point release.
ARCHIVE_SUITES="bullseye bullseye-security bookworm bookworm-security bookworm-backports
trixie trixie-security trixie-backports forky sid"
ARCHIVE_APT=() ARCHIVE_URI= ARCHIVE_SECURITY_URI=
archive_apt() {	# sets ARCHIVE_APT: apt-get/apt-cache options for that state
	local dir=$EXITSTAT_CACHE/apt s targets
	[ ${#ARCHIVE_APT[@]} -eq 0 ] || return 0
	targets=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages')
	ARCHIVE_URI=$(awk '$2 !~ /-(security|updates|backports)$/ { print $1; exit }' <<<"$targets")
	ARCHIVE_SECURITY_URI=$(awk '$2 ~ /-security$/ { print $1; exit }' <<<"$targets")
	[ -n "$ARCHIVE_URI" ] || { echo "this machine's apt sources name no Debian suite to derive the others from" >&2; return 2; }
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	: >>"$dir/status"
	for s in $ARCHIVE_SUITES; do archive_source_line "$s"; done >"$dir/sources.list.new"
	ARCHIVE_APT=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "Dir::State::status=$dir/status"
		-o APT::Sandbox::User=root -o Acquire::Languages=none)
	# Asked again at most once an hour: the archive moves daily, not faster.
	if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" ||
		[ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -60 -print -quit)" ]; then
		mv "$dir/sources.list.new" "$dir/sources.list"
		# Stages side by side ask at once: apt's lists take one writer.
		flock "$dir/lists/.kvm-exitstat-lock" apt-get "${ARCHIVE_APT[@]}" -qq update >&2 || {
			echo "cannot read Debian's archive (apt-get update of $dir/sources.list failed)" >&2
			ARCHIVE_APT=()
			return 2
		}
	fi
	rm -f "$dir/sources.list.new"
}

# archive_source_line SUITE: its sources.list line, from the URIs that
# archive_apt derived (a security suite has a URI of its own).
archive_source_line() {
	case $1 in
	*-security) [ -z "$ARCHIVE_SECURITY_URI" ] || echo "deb $ARCHIVE_SECURITY_URI $1 main" ;;
	*) echo "deb $ARCHIVE_URI $1 main" ;;
	esac
}

# archive_sources: "SERIES VERSION" of every linux-source-SERIES in the
# archive's suites, the newest point release of each (by version, whatever
# suite has it), oldest series first.
archive_sources() {
	local pkgs
	archive_apt || return
	pkgs=$(apt-cache "${ARCHIVE_APT[@]}" pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$')
	# shellcheck disable=SC2086 # one name a word
	apt-cache "${ARCHIVE_APT[@]}" madison $pkgs |
		awk -F'|' '{ gsub(/ /, ""); sub(/^linux-source-/, "", $1); print $1, $2 }' |
		sort -V | awk '{ v[$1] = $2 } END { for (s in v) print s, v[s] }' | sort -V
}

# archive_newest PACKAGE: its highest version in the archive's suites.
archive_newest() {
	archive_versions "" "$1" | sed 's/^[^=]*=//'
}

# archive_versions "SUITE..." PACKAGE...: "PACKAGE=VERSION" for each, its
# highest version in the suites named (all if none), in one apt-cache call.
archive_versions() {
	local only=" $1 "
	shift
	apt-cache "${ARCHIVE_APT[@]}" madison "$@" |
		awk -F'|' -v only="$only" '{ gsub(/ /, "", $1); gsub(/ /, "", $2); split($3, a, " "); sub(/\/.*/, "", a[2]) }
			only == "  " || index(only, " " a[2] " ") { print $1 "=" $2 }' |
		sort -t= -k1,1 -k2,2V | awk -F= '{ v[$1] = $0 } END { for (p in v) print v[p] }' | sort
}
