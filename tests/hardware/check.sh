#!/usr/bin/env bash
# make check's test of the real-hardware path (hardware/, docs/hardware.md),
# everything short of reloading this machine's own KVM:
#  1. hardware/build-modules.sh builds the modules out of tree against the
#     lab kernel's tree (modules it builds are loaded and run the lab's
#     scenarios in make check's stage "Debian's own kernel as L1": there
#     against Debian's headers, the path a real host takes);
#  2. it builds them against Debian's own linux-headers package of the same
#     version, with Debian's kernel config, for Debian's kernel release;
#  3. hardware/install-modules.sh puts them where modprobe prefers them to
#     the kernel's own, and --remove gives the kernel's own back.
# Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
. "$TOP/lab/debian-archive.sh"

. "$TOP/tests/hardware/lib.sh"

# 0. Code built into the kernel (kernel/entry/kvm.c: vcpu->stat) keeps the
#    stock struct kvm_vcpu, so our modules may only append to it and must
#    leave every other header of the kernel as it is.
layout() {
	local headers stock ours
	headers=$(git -C "$KTREE" diff --name-only pristine -- include arch/x86/include)
	[ "$headers" = include/linux/kvm_host.h ] ||
		{ echo "the hooks change these kernel headers: $headers; expected only include/linux/kvm_host.h"; return 1; }
	stock=$(git -C "$KTREE" show pristine:include/linux/kvm_host.h | sed -n '/^struct kvm_vcpu {$/,/^};$/p' | sed '$d')
	ours=$(sed -n '/^struct kvm_vcpu {$/,/^};$/p' "$KTREE/include/linux/kvm_host.h" | sed '$d')
	[ -n "$stock" ] && [ "${ours:0:${#stock}}" = "$stock" ] ||
		{ echo "struct kvm_vcpu: the hooks change it before its last stock field"; return 1; }
}
if layout; then
	ok "the hooks only append to struct kvm_vcpu, and change no other kernel header"
else
	bad "struct kvm_vcpu's layout, as the kernel's own code sees it"
fi

# 1. Against the lab tree.
lab_out=$EXITSTAT_CACHE/modules-lab-$KVER
lab_rel=$(cat "$KTREE/include/config/kernel.release")
if KDIR=$KTREE OUT=$lab_out "$TOP/hardware/build-modules.sh" &&
   check_modules "$lab_out" "$lab_rel"; then
	ok "out-of-tree build against the lab tree ($lab_rel)"
else
	bad "out-of-tree build against the lab tree ($lab_rel)"
fi

# 2-3. Against Debian's headers of the very version the lab patched, with
#    the compiler and tools of the release that ships them: here if this
#    machine's release has them, else inside a root of that release.
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
hpkg=$(headers_pkg "$srcver")
if [ -z "$hpkg" ]; then
	bad "Debian has no linux-headers-amd64 $srcver to build against"
else
	inside=()
	host_has "$hpkg=$srcver" || inside=("$TOP/lab/in-debian-root.sh" "$srcver")
	tally=$("${inside[@]}" "$TOP/tests/hardware/debian-headers.sh" "$hpkg" "$srcver" 2>&1 |
		tee /dev/stderr | tail -n 1)
	if [[ $tally =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		pass=$((pass + BASH_REMATCH[1])) fail=$((fail + BASH_REMATCH[2]))
	else
		bad "the build against Debian's $hpkg $srcver${inside[*]:+ (in a Debian root)} ended without its tally"
	fi
fi

# Refusals that need no kernel.
out=$(KDIR=/nonexistent "$TOP/hardware/build-modules.sh" 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ "$out" = "build-modules: /nonexistent holds no kernel headers (no .config or Module.symvers); set KDIR to the build directory of the kernel to build for" ]; then
	ok "build-modules: a KDIR without headers is refused, exit 2"
else
	bad "build-modules with KDIR=/nonexistent: exit $rc, '$out'"
fi
fake=$(mktemp -d)
mkdir -p "$fake/arch/x86/kvm" "$fake/virt/kvm" "$fake/include/linux"
: >"$fake/include/linux/kvm_host.h"
printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = 1\n' "${KVER%%.*}" "${KVER#*.}" >"$fake/Makefile"
kver=$(make -s -C "$KTREE" kernelversion)
out=$(KDIR=$KTREE KSRC=$fake OUT=$fake/out "$TOP/hardware/build-modules.sh" 2>&1)
rc=$?
rm -rf "$fake"
case $out in
*"build-modules: $fake is Linux $KVER.1 but $KTREE is $kver ($lab_rel): KVM's structures must match"*) ;;
*) rc="$rc, '$out'" ;;
esac
if [ "$rc" = 2 ]; then
	ok "build-modules: source of another version than the headers is refused, exit 2"
else
	bad "build-modules with a $KVER.1 source for $kver headers: exit $rc"
fi
out=$("$TOP/hardware/reload-kvm.sh" --bogus 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ "$out" = "usage: reload-kvm.sh [--check]" ]; then
	ok "reload-kvm: an unknown option is refused, exit 2"
else
	bad "reload-kvm.sh --bogus: exit $rc, '$out'"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
