#!/bin/sh
# /init of the L2 guest's initramfs: the same lab bzImage, booted by QEMU
# with -enable-kvm inside L1.  Runs /job.sh, then reboot -f: tinyconfig has no
# ACPI, so poweroff would only halt and QEMU (-no-reboot) would never exit.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo "L2: $(uname -r) up"
sh /job.sh
echo "L2-JOB-STATUS: $?"
reboot -f
