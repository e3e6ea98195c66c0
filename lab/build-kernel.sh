#!/usr/bin/env bash
# Builds the lab kernel: Debian's linux-source-$KVER with the kvm-exitstat
# hooks and files, configured as design.md section 4 says.  Each stage is
# redone only when its input changed, so a second run costs seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"

start=$SECONDS
tarball=/usr/src/linux-source-$KVER.tar.xz
pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null) || {
	echo "linux-source-$KVER is not installed (make deps installs it)" >&2
	exit 2
}
git_tree() { git -C "$KTREE" -c user.name=kvm-exitstat -c user.email=kvm-exitstat@localhost "$@"; }

# The pristine tree is committed once, so hooks can be reset and diffed.
if [ "$(cat "$KTREE/.exitstat-debian" 2>/dev/null)" != "$pkgver" ]; then
	echo "kvm-exitstat: unpacking $tarball ($pkgver)"
	rm -rf "$KTREE" "$EXITSTAT_CACHE/linux-source-$KVER"
	mkdir -p "$EXITSTAT_CACHE"
	tar -C "$EXITSTAT_CACHE" -xf "$tarball"
	mv "$EXITSTAT_CACHE/linux-source-$KVER" "$KTREE"
	git_tree init -q
	git_tree add -f -A		# Debian's .gitignore ignores the top level
	git_tree commit -q -m "Debian linux-source-$KVER $pkgver"
	git_tree tag pristine
	echo "$pkgver" > "$KTREE/.exitstat-debian"
fi

hooks=$TOP/kernel/linux-$KVER/hooks.patch
sum=$(sha256sum "$hooks" | cut -d' ' -f1)
if [ "$(cat "$KTREE/.exitstat-hooks" 2>/dev/null)" != "$sum" ]; then
	echo "kvm-exitstat: applying $(basename "$hooks")"
	git_tree diff --name-only pristine | xargs -r git -C "$KTREE" checkout -q pristine --
	git_tree apply --whitespace=error-all "$hooks"
	echo "$sum" > "$KTREE/.exitstat-hooks"
fi

# Only what changed: an untouched file keeps its mtime and is not rebuilt.
"$TOP/lab/put-sources.sh" "$KTREE"

fragment=$TOP/lab/lab.config
if ! cmp -s "$fragment" "$KTREE/.exitstat-config"; then
	echo "kvm-exitstat: configuring (tinyconfig + lab/lab.config)"
	"$TOP/lab/configure.sh" "$KTREE"
	cp "$fragment" "$KTREE/.exitstat-config"
fi

log=$EXITSTAT_CACHE/build-$KVER.log
echo "kvm-exitstat: building bzImage, modules and uapi headers (log: $log)"
# The headers (usr/include) are what the tree's KVM selftests compile against.
if ! make -C "$KTREE" -j"$(nproc)" bzImage modules headers > "$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -40 >&2
	echo "kernel build failed; see $log" >&2
	exit 1
fi
# The pristine lab build has no warnings (and KVM builds with -Werror), so
# any warning here is one we added.
if grep -E 'warning:' "$log" >&2; then
	echo "kernel build printed warnings; see $log" >&2
	exit 1
fi
echo "kvm-exitstat: built Debian linux-source-$KVER $pkgver" \
	"(kernel $(make -C "$KTREE" -s kernelversion)) with hooks in $((SECONDS - start)) s"
