#!/usr/bin/env bash
# tests/hardware/check.sh's steps 2 and 3, run where Debian's headers of
# the kernel are installed (this machine, or a root of the release that
# ships them: lab/in-debian-root.sh):
#  2. hardware/build-modules.sh builds our modules against Debian's
#     linux-headers-<abi> of the very version the lab patched (HEADERS, the
#     package linux-headers-amd64 of VERSION depends on), with Debian's
#     kernel config, for Debian's kernel release;
#  3. hardware/install-modules.sh puts them where modprobe prefers them to
#     the kernel's own, signs them with a key given, and --remove gives the
#     kernel's own back.
# Ends with "N passed, N failed".
# usage: tests/hardware/debian-headers.sh HEADERS VERSION
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
. "$TOP/tests/hardware/lib.sh"
hpkg=${1:?usage: $0 HEADERS VERSION} srcver=${2:?usage: $0 HEADERS VERSION}

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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
