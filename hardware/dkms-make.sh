#!/usr/bin/env bash
# DKMS's MAKE for the kvm-exitstat-dkms package (debian/kvm-exitstat-dkms.dkms):
# builds kvm.ko, kvm-intel.ko and kvm-amd.ko for the kernel DKMS names with
# hardware/build-modules.sh, into out/ of DKMS's copy of the sources, where
# dkms.conf's BUILT_MODULE_LOCATION looks for them.  Only the DKMS
# adaptation lives here; what to build and what to refuse is
# build-modules.sh's.
#
# usage: hardware/dkms-make.sh KERNELVER KERNEL_SOURCE_DIR
#   (dkms.conf passes ${kernelver} ${kernel_source_dir}, the latter being
#   /lib/modules/KERNELVER/build: Debian's linux-headers-KERNELVER)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 KERNELVER KERNEL_SOURCE_DIR" >&2; exit 2; }
kernelver=$1 kdir=$2
cd "$(dirname "$0")/.."

echo "dkms-make: kvm-exitstat for $kernelver, headers $kdir"
# DKMS runs while apt installs a package (ours, or a kernel's headers) and
# holds apt's lock: check what the build needs, install nothing.  KSRC is
# left to build-modules.sh: Debian's linux-source-X.Y of the headers' very
# version, or a clear "install it" naming that version.
export KDIR=$kdir OUT=$PWD/out EXITSTAT_NO_INSTALL=1
unset KSRC STOCK_KVM
# build-modules.sh says on stderr why it failed; DKMS keeps stdout and
# stderr in make.log, and "dkms build" points there.
exec bash hardware/build-modules.sh
