#!/usr/bin/env bash
# make deb-check: the DKMS package (make deb) installed, built and removed
# in a Debian root file system, as on a user's machine:
#  - a root made by lab/debian-root.sh from Debian's archive, of the release
#    whose kernel is the series' newest point release (6.1: Debian 12 and
#    bookworm-security; 6.12: Debian 13; 7.3: Debian 13 and trixie-
#    backports), holding linux-headers-<abi>, the kernel linux-image-<abi>
#    (whose own kvm.ko ours must win over) and linux-source-$KVER of the
#    same version, dkms and the build tools;
#  - apt-get install of the .deb, dkms autoinstall for <abi> (what a kernel
#    install runs): the modules are in updates/dkms, modprobe takes them,
#    their vermagic is <abi>, kvm.ko has exitstat_enable;
#  - that root booted as L1 (tests/deb/boot-l1.sh; DEB_BOOT="amd intel" or
#    none, default amd): the seed's reload takes the DKMS modules, guests
#    get our answers, and - the seed's whole flow in one L1 - Debian's QEMU
#    in that root launches the Debian cloud guest (lab/cloud-guest.sh),
#    which cloud-init sets up from tests/cloud/user-data (DEB_CLOUD=0: not);
#  - a kernel series without hooks fails cleanly, saying so in make.log;
#  - apt-get remove takes every module out again.
# The root is kept as a tarball (lab/debian-root.sh), so only the first
# run downloads.  Needs root (mmdebstrap, chroot).
# Ends with "N passed, N failed"; exit 1 if anything failed, 2 if
# something is missing first (the .deb, root, the archive).
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
. "$TOP/lab/debian-archive.sh"
cd "$TOP" || exit 2
PATH=$PATH:/usr/sbin:/sbin

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
die() { echo "deb-check: $2" >&2; exit "$1"; }
start=$SECONDS

[ "$(id -u)" -eq 0 ] || die 2 "run as root: mmdebstrap and chroot need it (sudo make deb-check)"
"$TOP/lab/deps.sh" mmdebstrap || exit 2

# The package's version is the tool's.
if ver=$(hardware/deb-version.sh); then
	ok "debian/changelog's version $ver is tool/cli.h's EXITSTAT_VERSION"
else
	bad "debian/changelog and tool/cli.h disagree on the version"
	ver=$(dpkg-parsechangelog -S Version)
fi
deb=$TOP/build/kvm-exitstat-dkms_${ver}_all.deb
[ -f "$deb" ] || die 2 "$deb missing: make deb first"

# The root: the release whose kernel is the newest point release of the
# series in Debian's archive, with that kernel (6.1: bookworm-security; 6.12:
# trixie's own; 7.3: trixie-backports), made once by lab/debian-root.sh.
archive_apt || exit 2
srcver=$(archive_newest "linux-source-$KVER")
[ -n "$srcver" ] || die 2 "Debian's archive has no linux-source-$KVER"
vars=$("$TOP/lab/debian-root.sh" "$srcver") || exit 2
eval "$vars"
abi=$DEB_ABI tarball=$DEB_ROOT_TAR
cache=${tarball%/*}
echo "deb-check: Debian $DEB_SUITE, kernel $abi, linux-source-$KVER $srcver; root $tarball"

# A fresh root from the tarball for every run; /proc for dkms and apt
# (mmdebstrap's tarball has the device nodes /dev needs).
root=$(mktemp -d "$cache/root.XXXXXX")
cleanup() {
	umount "$root/proc" 2>/dev/null
	# Never remove a tree with something still mounted in it.
	if findmnt -rno TARGET | grep -q "^$root/"; then
		echo "deb-check: $root still has mounts; not removing it" >&2
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
tar -xf "$tarball" -C "$root" || die 2 "$tarball does not unpack: remove it and run again"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
upd=/lib/modules/$abi/updates/dkms
# DKMS compresses our modules as the kernel's own are: .ko (6.1), .ko.xz (6.12).
own=$(echo "$root/lib/modules/$abi/kernel/arch/x86/kvm/kvm.ko"*)
ko=${own##*/kvm}

# Install: the package's postinst adds it to DKMS (and builds nothing in a
# chroot, whose running kernel is the host's); dkms autoinstall for <abi>
# is what installing or upgrading a kernel runs.
t0=$SECONDS
if in_root apt-get install -y --no-install-recommends "/tmp/${deb##*/}"; then
	ok "apt-get install ${deb##*/} ($((SECONDS - t0)) s, DKMS's build included)"
else
	bad "apt-get install ${deb##*/}"
fi
t0=$SECONDS
if in_root dkms autoinstall -k "$abi"; then
	ok "dkms autoinstall -k $abi ($((SECONDS - t0)) s)"
else
	bad "dkms autoinstall -k $abi; make.log:"
	cat "$root/var/lib/dkms/kvm-exitstat/$ver/build/make.log" 2>/dev/null | tail -n 30
fi
status=$(in_root dkms status)
echo "dkms status: $status"
# DKMS 3 (Debian 13) adds that the kernel's own modules are there too.
if [ "$status" = "kvm-exitstat/$ver, $abi, x86_64: installed" ] ||
   [ "$status" = "kvm-exitstat/$ver, $abi, x86_64: installed (Original modules exist)" ]; then
	ok "dkms status: kvm-exitstat/$ver installed for $abi"
else
	bad "dkms status: '$status', expected 'kvm-exitstat/$ver, $abi, x86_64: installed'"
fi
took=$(in_root modinfo -k "$abi" -n kvm 2>&1)
if [ "$took" = "$upd/kvm$ko" ]; then
	ok "modprobe kvm takes $took, not the kernel's own"
else
	bad "modinfo -k $abi -n kvm: '$took', expected $upd/kvm$ko"
fi
for m in kvm kvm-intel kvm-amd; do
	v=$(in_root modinfo -F vermagic "$upd/$m$ko" 2>&1 | cut -d' ' -f1)
	if [ "$v" = "$abi" ]; then
		ok "$m$ko's vermagic is $abi"
	else
		bad "$upd/$m$ko's vermagic: '$v', expected $abi"
	fi
done
if in_root modinfo -F parm "$upd/kvm$ko" 2>/dev/null | grep -q '^exitstat_enable:'; then
	ok "kvm.ko has the parameter exitstat_enable"
else
	bad "kvm.ko has no parameter exitstat_enable"
fi

# Booted as L1 (Debian's vmlinuz and initrd, this root on a disk): the
# seed's reload takes the DKMS modules, and guests get our answers.
if [ "${DEB_BOOT:-amd}" != none ]; then
	umount "$root/proc"
	guests="the selftest guests'"
	[ "${DEB_CLOUD:-1}" = 0 ] || guests="$guests and the cloud guest's"
	for v in ${DEB_BOOT:-amd}; do
		if "$TOP/tests/deb/boot-l1.sh" "$root" "$abi" "$v" "$cache/boot-$KVER"; then
			ok "Debian's kernel booted on this root ($v): the seed's steps take the DKMS modules, $guests answers are ours"
		else
			bad "Debian's kernel booted on this root ($v); serial log: $cache/boot-$KVER/serial-$v.log"
		fi
	done
	mount -t proc proc "$root/proc"
fi

# A kernel with no hooks: a build directory that says Linux 6.6 and is
# otherwise enough to get past build-modules.sh's first checks.  The build
# fails, says why in make.log, and installs nothing.
fake=6.6.0-0-exitstat-fake
kd=$root/usr/src/linux-headers-$fake
mkdir -p "$kd/include/generated" "$root/lib/modules/$fake"
printf 'kernelversion:\n\t@echo 6.6.0\n' >"$kd/Makefile"
echo CONFIG_KVM=m >"$kd/.config"
: >"$kd/Module.symvers"
echo "#define UTS_RELEASE \"$fake\"" >"$kd/include/generated/utsrelease.h"
ln -sfn "/usr/src/linux-headers-$fake" "$root/lib/modules/$fake/build"
out=$(in_root dkms build kvm-exitstat/"$ver" -k "$fake" 2>&1)
rc=$?
log=$root/var/lib/dkms/kvm-exitstat/$ver/build/make.log
msg="no kvm-exitstat hooks for Linux 6.6"
if [ $rc -ne 0 ] && grep -q "build-modules: $msg" "$log" 2>/dev/null &&
   [ ! -e "$root/lib/modules/$fake/updates" ]; then
	ok "dkms build for Linux 6.6: fails (exit $rc), make.log says \"$(grep -o "${msg}[^;]*" "$log")\", nothing installed"
else
	bad "dkms build for Linux 6.6: exit $rc, output: $out; make.log: $(cat "$log" 2>/dev/null)"
fi
in_root dkms remove kvm-exitstat/"$ver" -k "$fake" >/dev/null 2>&1
rm -rf "$root/lib/modules/$fake" "$root/usr/src/linux-headers-$fake"

# Remove: dkms takes the modules out, and the kernel's own KVM is back.
if in_root apt-get remove -y kvm-exitstat-dkms; then
	ok "apt-get remove kvm-exitstat-dkms"
else
	bad "apt-get remove kvm-exitstat-dkms"
fi
status=$(in_root dkms status)
left=$(find "$root$upd" -type f 2>/dev/null)
if [ -z "$status" ] && [ -z "$left" ]; then
	ok "after remove: dkms status empty, nothing in $upd"
else
	bad "after remove: dkms status '$status', left in $upd: $left"
fi
took=$(in_root modinfo -k "$abi" -n kvm 2>&1)
if [ "$took" = "/lib/modules/$abi/kernel/arch/x86/kvm/kvm$ko" ]; then
	ok "modprobe kvm takes the kernel's own $took again"
else
	bad "modinfo -k $abi -n kvm after remove: '$took'"
fi

echo "deb-check: $((SECONDS - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
