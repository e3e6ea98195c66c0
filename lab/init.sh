#!/bin/sh
# /init of the lab initramfs (L1).  Mounts what KVM and the tests need, loads
# the patched kvm modules, runs /scenario.sh and prints one result marker on
# the serial console, which lab/boot.sh waits for.  Ends with reboot -f:
# QEMU (-no-reboot) exits on it; Bochs is stopped by boot.sh on the marker.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
. /lab-lib.sh

echo "lab: $(uname -r) on $(cpu_vendor), $(nproc) CPU(s)"
if kvm_load && sh /scenario.sh; then
	echo "EXITSTAT-RESULT: PASS"
else
	echo "EXITSTAT-RESULT: FAIL"
	dmesg | grep -i -e kvm -e exitstat | tail -20
fi
# The UART drains in emulated time (slow under Bochs): let the marker out.
sync
sleep 1
reboot -f
