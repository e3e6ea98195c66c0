#!/usr/bin/env bash
# make modules-install / make modules-uninstall: puts the kvm modules that
# hardware/build-modules.sh built for this host's kernel under
# /lib/modules/<release>/updates/kvm-exitstat, where depmod prefers them to
# the kernel's own, and reloads KVM; --remove takes them out again and
# reloads the kernel's own KVM.  Nothing is changed while KVM is in use.
#
# usage: hardware/install-modules.sh [--remove]            (as root)
# Environment: KDIR, OUT as for build-modules.sh; DESTDIR: install under
# this root and reload nothing; SIGN_KEY, SIGN_CERT: private key and X.509
# certificate to sign the modules with (Secure Boot: an enrolled MOK).
set -euo pipefail
. "$(dirname "$0")/../lab/env.sh"

remove=0
case ${1:-} in
"") ;;
--remove) remove=1 ;;
*) echo "usage: $0 [--remove]" >&2; exit 2 ;;
esac
die() { echo "install-modules: $2" >&2; exit "$1"; }
[ "$(id -u)" -eq 0 ] || die 2 "run as root (sudo make modules-$([ $remove -eq 1 ] && echo un)install)"
PATH=$PATH:/usr/sbin:/sbin	# depmod, modinfo

KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h" 2>/dev/null) ||
	true
[ -n "$krel" ] || die 2 "$KDIR holds no kernel headers; see hardware/build-modules.sh"
OUT=${OUT:-$EXITSTAT_CACHE/modules-$krel}
root=${DESTDIR:-/}
dest=${root%/}/lib/modules/$krel/updates/kvm-exitstat
reload=$TOP/hardware/reload-kvm.sh
live=0	# the modules are for the kernel running here, in the real root
[ "$krel" = "$(uname -r)" ] && [ "$root" = / ] && live=1

# Refuse before changing anything: a VM would lose its hypervisor.
[ $live -eq 0 ] || "$reload" --check >/dev/null || exit 1	# it said why, on stderr

if [ $remove -eq 1 ]; then
	[ -d "$dest" ] || die 1 "nothing to remove: $dest does not exist"
	rm -rf "$dest"
	echo "install-modules: removed $dest"
else
	for m in kvm kvm-intel kvm-amd; do
		[ -f "$OUT/$m.ko" ] || die 2 "$OUT/$m.ko missing: build them first (make modules)"
	done
	sign=
	if [ -n "${SIGN_KEY:-}${SIGN_CERT:-}" ]; then
		[ -r "${SIGN_KEY:-}" ] && [ -r "${SIGN_CERT:-}" ] ||
			die 2 "SIGN_KEY and SIGN_CERT must both name readable files"
		sign=$KDIR/scripts/sign-file
		[ -x "$sign" ] || die 2 "$sign missing: the headers of $krel cannot sign modules"
	fi
	# Under Secure Boot the kernel locks itself down and loads only signed
	# modules: say so before the kernel's own KVM is unloaded, not after.
	lock=/sys/kernel/security/lockdown
	if [ $live -eq 1 ] && [ -z "$sign" ] && [ -r $lock ] && ! grep -q '\[none\]' $lock; then
		die 1 "the kernel is locked down ($(cat $lock)), as under Secure Boot: it loads only signed modules; sign them with your enrolled key (SIGN_KEY, SIGN_CERT: see docs/hardware.md)"
	fi
	mkdir -p "$dest"
	for m in kvm kvm-intel kvm-amd; do
		# Stripped of debug info, as the kernel's own modules are; signed
		# after that, since stripping would drop the signature.
		objcopy --strip-debug "$OUT/$m.ko" "$dest/$m.ko"
		[ -z "$sign" ] || "$sign" sha256 "$SIGN_KEY" "$SIGN_CERT" "$dest/$m.ko"
	done
	echo "install-modules: installed kvm.ko kvm-intel.ko kvm-amd.ko in $dest${sign:+ (signed)}"
fi
depmod -b "$root" -a "$krel"
echo "install-modules: modprobe kvm now takes $(modinfo -b "$root" -k "$krel" -n kvm)"

if [ $live -eq 0 ]; then
	echo "install-modules: not for the running kernel ($(uname -r)) or under a DESTDIR: nothing to reload"
	exit 0
fi
"$reload" && exit 0
if [ $remove -eq 0 ]; then
	echo "install-modules: our modules did not load; removing them and going back to the kernel's own KVM" >&2
	rm -rf "$dest"
	depmod -a "$krel"
	"$reload" || true
fi
exit 1
