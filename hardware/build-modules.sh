#!/usr/bin/env bash
# Builds kvm.ko, kvm-intel.ko and kvm-amd.ko with kvm-exitstat for a kernel
# other than the lab's - by default the one this host runs - out of tree:
# against that kernel's headers, from the same kernel's source, patched with
# kernel/linux-X.Y/hooks.patch.  Apart from the Debian packages it installs
# (the headers and source of that kernel), it writes only under $OUT.
#
# Environment:
#   KDIR  the kernel's build directory: its headers, .config and Module.symvers
#         (default /lib/modules/$(uname -r)/build; Debian: linux-headers-*)
#   KSRC  that kernel's source, a tarball or an unpacked tree (default Debian's
#         /usr/src/linux-source-X.Y.tar.xz); it must be the same version
#   OUT   build directory (default $EXITSTAT_CACHE/modules-<kernel release>)
#   STOCK_KVM=1  build the source's own KVM, without kvm-exitstat: what
#         lab/selftests.sh compares ours with (default OUT modules-stock-...)
#   EXITSTAT=n  apply the hooks but build with CONFIG_KVM_EXITSTAT off: KVM
#         as it is when the option is compiled out (default OUT modules-off-...)
# Exit status: 0 built, 1 the build failed, 2 something to install or fix first.
set -euo pipefail
. "$(dirname "$0")/../lab/env.sh"

start=$SECONDS
die() { echo "build-modules: $2" >&2; exit "$1"; }
deps=$TOP/lab/deps.sh
"$deps" make gcc git kmod binutils xz-utils
if [ -z "${KDIR:-}" ]; then
	KDIR=/lib/modules/$(uname -r)/build
	# This host's own kernel: Debian and Ubuntu package its headers by release.
	if [ ! -e "$KDIR" ]; then
		apt-cache show "linux-headers-$(uname -r)" >/dev/null 2>&1 ||
			die 2 "no $KDIR, and no package linux-headers-$(uname -r): this kernel is not one Debian or Ubuntu ships; set KDIR to its build directory"
		"$deps" "linux-headers-$(uname -r)"
	fi
fi

[ -f "$KDIR/Module.symvers" ] && [ -f "$KDIR/.config" ] ||
	die 2 "$KDIR holds no kernel headers (no .config or Module.symvers); set KDIR to the build directory of the kernel to build for"
grep -q '^CONFIG_KVM=m' "$KDIR/.config" ||
	die 2 "the kernel of $KDIR does not build KVM as a module (CONFIG_KVM=m): only modules can be replaced"
# The release that modules built here carry in their vermagic (Debian's
# headers say 6.1.0-N-amd64 there but the bare version in kernel.release).
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
kver=$(make -s -C "$KDIR" kernelversion)
series=$(cut -d. -f1-2 <<<"$kver")
hooks=$TOP/kernel/linux-$series/hooks.patch
[ -f "$hooks" ] ||
	die 2 "no kvm-exitstat hooks for Linux $series ($krel); there are hooks for: $(cd "$TOP/kernel" && echo linux-* | sed 's/linux-//g')"

if [ -z "${KSRC:-}" ]; then
	KSRC=/usr/src/linux-source-$series.tar.xz
	# Debian's headers and source of one kernel are packages of one version.
	hpkg=$(dpkg-query -S "$(realpath "$KDIR")" 2>/dev/null | head -n 1 | sed 's/[,:].*//') || true
	if [ -n "$hpkg" ]; then
		"$deps" "linux-source-$series=$(dpkg-query -W -f='${Version}' "$hpkg")"
	fi
fi
[ -e "$KSRC" ] ||
	die 2 "no kernel source at $KSRC; on Debian: apt-get install linux-source-$series, or set KSRC to the source of $krel"
stock=${STOCK_KVM:-0}
exitstat=${EXITSTAT:-y}
case $exitstat in y | n) ;; *) die 2 "EXITSTAT is y or n, not '$exitstat'" ;; esac
[ "$stock" != 1 ] || exitstat=n	# (the source's own KVM has no such option)
[ "$stock" = 1 ] && kind=stock- || { [ "$exitstat" = n ] && kind=off- || kind=; }
OUT=${OUT:-$EXITSTAT_CACHE/modules-$kind$krel}
src=$OUT/src
# Two stages of make check may build the same modules at once: one at a time.
mkdir -p "$OUT"
exec 8>"$OUT/.lock"
flock 8

# The part of the source that becomes the three modules, and the top
# Makefile that says which version it is.
parts=(Makefile arch/x86/kvm virt/kvm include/linux/kvm_host.h)
stamp="stock=$stock $(realpath "$KSRC") $(stat -c %Y "$KSRC") $(sha256sum "$hooks" "$TOP/hardware/Kbuild" "$TOP/hardware/exitstat-off.h" | cut -d' ' -f1 | tr '\n' ' ')"
if [ "$(cat "$src/.exitstat-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "build-modules: taking ${parts[*]} from $KSRC"
	rm -rf "$src"
	mkdir -p "$src"
	if [ -d "$KSRC" ]; then
		(cd "$KSRC" && cp -a --parents "${parts[@]}" "$src/")
	else
		top=$(tar -tf "$KSRC" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
		[ -n "$top" ] || die 2 "$KSRC is neither a directory nor a tarball tar can read"
		tar -xf "$KSRC" -C "$src" --strip-components=1 "${parts[@]/#/$top/}"
	fi
	srcver=$(awk -F' *= *' '/^(VERSION|PATCHLEVEL|SUBLEVEL) *=/ { v[$1] = $2 }
		END { print v["VERSION"] "." v["PATCHLEVEL"] "." v["SUBLEVEL"] }' "$src/Makefile")
	[ "$srcver" = "$kver" ] ||
		die 2 "$KSRC is Linux $srcver but $KDIR is $kver ($krel): KVM's structures must match the running kernel's. On Debian, linux-source-$series always has the newest point release: upgrade the kernel (apt-get install linux-image-amd64 linux-headers-amd64) and boot it, or set KSRC to the source of $kver"
	if [ "$stock" != 1 ]; then
		# (the ceiling keeps git from taking a repository around $OUT for the tree)
		(cd "$src" && GIT_CEILING_DIRECTORIES=$OUT git apply --whitespace=nowarn "$hooks") ||
			die 1 "$(basename "$hooks") does not apply to $KSRC"
	fi
	mkdir -p "$src/include/trace" "$src/arch/x86/include/uapi/asm"	# both on -I
	cp "$TOP/hardware/Kbuild" "$TOP/hardware/exitstat-off.h" "$src/arch/x86/kvm/"
	echo "$stamp" >"$src/.exitstat-stamp"
fi
# Our files, copied only when changed, so a rebuild compiles only them.
[ "$stock" = 1 ] || "$TOP/lab/put-sources.sh" "$src"

log=$OUT/build.log
what=
[ "$stock" = 1 ] && what="stock " || { [ "$exitstat" = y ] || what="CONFIG_KVM_EXITSTAT=n "; }
echo "build-modules: building ${what}KVM for $krel (Linux $kver) against $KDIR (log: $log)"
if ! make -C "$KDIR" M="$src/arch/x86/kvm" -j"$(nproc)" CONFIG_KVM_EXITSTAT="$exitstat" modules >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -40 >&2
	die 1 "the build failed; see $log"
fi
if grep -E 'warning:' "$log" >&2; then
	die 1 "the build printed warnings; see $log"
fi
for m in kvm kvm-intel kvm-amd; do
	cp "$src/arch/x86/kvm/$m.ko" "$OUT/$m.ko"
done
echo "build-modules: built kvm.ko kvm-intel.ko kvm-amd.ko for $krel in $((SECONDS - start)) s: $OUT"
