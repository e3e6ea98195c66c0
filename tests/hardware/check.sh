#!/usr/bin/env bash
# make check's test of the real-hardware path (hardware/, docs/hardware.md),
# everything short of reloading this machine's own KVM:
#  1. hardware/build-modules.sh builds the modules out of tree against the
#     lab kernel's tree, and the lab's scenarios pass with them loaded in L1
#     instead of the in-tree ones (AMD, QEMU TCG);
#  2. it builds them against Debian's own linux-headers package of the same
#     version, with Debian's kernel config, for Debian's kernel release;
#  3. hardware/install-modules.sh puts them where modprobe prefers them to
#     the kernel's own, and --remove gives the kernel's own back.
# Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
. "$TOP/lab/debian-archive.sh"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
PATH=$PATH:/usr/sbin:/sbin	# modinfo
modinfo_f() { modinfo -F "$2" "$1"; }	# one field of a module file

# Both builds must give modules for the release of the tree they were built
# against, with our parameters in kvm.ko.
check_modules() {	# DIR RELEASE
	local m v
	for m in kvm kvm-intel kvm-amd; do
		v=$(modinfo_f "$1/$m.ko" vermagic | cut -d' ' -f1)
		[ "$v" = "$2" ] || { echo "$m.ko: vermagic $v, expected $2"; return 1; }
	done
	v=$(modinfo_f "$1/kvm.ko" parm | sed -n 's/^\(exitstat_[a-z]*\):.*/\1/p' | sort | tr '\n' ' ')
	[ "$v" = "exitstat_enable exitstat_global exitstat_leaves exitstat_log " ] ||
		{ echo "kvm.ko has the parameters '$v', expected exitstat_enable, _global, _leaves, _log"; return 1; }
	case ,$(modinfo_f "$1/kvm-amd.ko" depends), in
	*,kvm,*) ;;
	*) echo "kvm-amd.ko depends on '$(modinfo_f "$1/kvm-amd.ko" depends)', not on kvm"; return 1 ;;
	esac
}

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

# 1. Against the lab tree, then in the lab.
lab_out=$EXITSTAT_CACHE/modules-lab-$KVER
lab_rel=$(cat "$KTREE/include/config/kernel.release")
if KDIR=$KTREE OUT=$lab_out "$TOP/hardware/build-modules.sh" &&
   check_modules "$lab_out" "$lab_rel"; then
	ok "out-of-tree build against the lab tree ($lab_rel)"
	if KVM_MODULES=$lab_out LABDIR=$EXITSTAT_CACHE/lab-$KVER-oot \
	   "$TOP/lab/run-scenarios.sh" amd | tail -n 1 | grep -qx '[0-9]* passed, 0 failed'; then
		ok "lab scenarios (AMD) with the out-of-tree modules loaded"
	else
		bad "lab scenarios (AMD) with the out-of-tree modules loaded; log: $EXITSTAT_CACHE/lab-$KVER-oot/serial-amd.log"
	fi
else
	bad "out-of-tree build against the lab tree ($lab_rel)"
fi

# 2. Against Debian's headers of the very version the lab patched: the
#    linux-headers-<abi>-amd64 package that linux-headers-amd64 of that
#    version depends on.
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
hpkg=$(headers_pkg "$srcver")
if [ -z "$hpkg" ]; then
	bad "Debian has no linux-headers-amd64 $srcver to build against"
else
	"$TOP/lab/deps.sh" "$hpkg=$srcver" >/dev/null || exit 2
	kdir=/usr/src/$hpkg
	rel=${hpkg#linux-headers-}
	deb_out=$EXITSTAT_CACHE/modules-$rel
	if KDIR=$kdir OUT=$deb_out "$TOP/hardware/build-modules.sh" &&
	   check_modules "$deb_out" "$rel"; then
		ok "out-of-tree build against Debian's $hpkg $srcver"

		# 3. Install into a scratch root holding a stock kvm.ko.
		root=$(mktemp -d)
		trap 'rm -rf "$root"' EXIT
		stock=$root/lib/modules/$rel/kernel/arch/x86/kvm
		mkdir -p "$stock"
		cp "$deb_out/kvm.ko" "$stock/kvm.ko"
		: >"$root/lib/modules/$rel/modules.order"
		: >"$root/lib/modules/$rel/modules.builtin"
		: >"$root/lib/modules/$rel/modules.builtin.modinfo"
		inst() { KDIR=$kdir OUT=$deb_out DESTDIR=$root "$TOP/hardware/install-modules.sh" "$@"; }
		took() { modinfo -b "$root" -k "$rel" -n kvm; }
		if inst && [ "$(took)" = "$root/lib/modules/$rel/updates/kvm-exitstat/kvm.ko" ]; then
			ok "install: modprobe takes updates/kvm-exitstat/kvm.ko over the kernel's own"
		else
			bad "install: modprobe kvm takes $(took), expected updates/kvm-exitstat/kvm.ko"
		fi
		if inst --remove && [ "$(took)" = "$stock/kvm.ko" ]; then
			ok "uninstall: modprobe takes the kernel's own kvm.ko again"
		else
			bad "uninstall: modprobe kvm takes $(took), expected $stock/kvm.ko"
		fi
		# Signed with a key of the user's (Secure Boot's MOK), after stripping.
		openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=kvm-exitstat test key/" \
			-keyout "$root/mok.priv" -outform DER -out "$root/mok.der" 2>/dev/null
		signer=$(SIGN_KEY=$root/mok.priv SIGN_CERT=$root/mok.der inst >/dev/null &&
			modinfo_f "$root/lib/modules/$rel/updates/kvm-exitstat/kvm-intel.ko" signer)
		if [ "$signer" = "kvm-exitstat test key" ]; then
			ok "install with SIGN_KEY/SIGN_CERT: the modules carry the user's signature"
		else
			bad "install with SIGN_KEY/SIGN_CERT: signer '$signer', expected 'kvm-exitstat test key'"
		fi
		inst --remove >/dev/null
		out=$(inst --remove 2>&1)
		if [ $? -eq 1 ] && [ "$out" = "install-modules: nothing to remove: $root/lib/modules/$rel/updates/kvm-exitstat does not exist" ]; then
			ok "uninstall twice: says there is nothing to remove, exit 1"
		else
			bad "uninstall twice: '$out'"
		fi
	else
		bad "out-of-tree build against Debian's $hpkg $srcver"
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
printf 'VERSION = 6\nPATCHLEVEL = %s\nSUBLEVEL = 1\n' "${KVER#6.}" >"$fake/Makefile"
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
