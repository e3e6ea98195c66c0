#!/usr/bin/env bash
# Builds the stock kernel that make bench compares against: the same Debian
# source as the lab kernel ($KTREE's tag "pristine"), no kvm-exitstat hooks,
# and exactly the lab kernel's .config (less CONFIG_KVM_EXITSTAT).  It is a git worktree of $KTREE, so
# creating it costs no second unpack; later runs rebuild only what changed.
# Needs the lab kernel to be configured (lab/build-kernel.sh) first.
set -euo pipefail
. "$(dirname "$0")/env.sh"

STOCK=${STOCK:-$EXITSTAT_CACHE/stock-$KVER}
start=$SECONDS
if [ ! -f "$KTREE/.config" ] || [ ! -f "$KTREE/.exitstat-debian" ]; then
	echo "bench-stock: $KTREE is not a configured lab tree: run lab/build-kernel.sh first" >&2
	exit 1
fi
pkgver=$(cat "$KTREE/.exitstat-debian")

# build-kernel.sh re-creates $KTREE when Debian moves the source forward;
# then the worktree belongs to a repository that is gone: start over.
if [ "$(cat "$STOCK/.exitstat-debian" 2>/dev/null)" != "$pkgver" ] ||
   ! git -C "$STOCK" rev-parse --git-dir >/dev/null 2>&1; then
	echo "bench-stock: creating $STOCK (Debian $pkgver, tag pristine of $KTREE)"
	rm -rf "$STOCK"
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$STOCK" pristine
	echo "$pkgver" >"$STOCK/.exitstat-debian"
fi
# Nothing of ours may be in it.
if [ -n "$(git -C "$STOCK" status --porcelain --untracked-files=no)" ] ||
   [ "$(git -C "$STOCK" rev-parse HEAD)" != "$(git -C "$KTREE" rev-parse 'pristine^{commit}')" ]; then
	echo "bench-stock: $STOCK differs from the pristine source; remove it and run again" >&2
	exit 1
fi

# The lab kernel's configuration, byte for byte, but for the hooks' own
# option, which the stock source does not have (olddefconfig drops it);
# copied only when it changed so that an unchanged tree is not rebuilt.
if ! cmp -s <(grep -v '^CONFIG_KVM_EXITSTAT=' "$KTREE/.config") "$STOCK/.config"; then
	echo "bench-stock: configuring with the lab kernel's .config"
	grep -v '^CONFIG_KVM_EXITSTAT=' "$KTREE/.config" >"$STOCK/.config"
	cp "$STOCK/.config" "$STOCK/.config.lab"
	make -C "$STOCK" -s olddefconfig
	if ! cmp -s "$STOCK/.config.lab" "$STOCK/.config"; then
		diff "$STOCK/.config.lab" "$STOCK/.config" >&2 || true
		echo "bench-stock: olddefconfig changed the lab's config in the stock tree" >&2
		exit 1
	fi
fi

log=$EXITSTAT_CACHE/build-stock-$KVER.log
echo "bench-stock: building bzImage, modules and uapi headers (log: $log)"
if ! nice make -C "$STOCK" -j"$(nproc)" bzImage modules headers >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -40 >&2
	echo "bench-stock: stock kernel build failed; see $log" >&2
	exit 1
fi
echo "bench-stock: built stock Debian linux-source-$KVER $pkgver" \
	"(kernel $(make -C "$STOCK" -s kernelversion), $(cat "$STOCK/include/config/kernel.release"))" \
	"in $((SECONDS - start)) s"
