#!/bin/sh
# PID 1 of the Debian root file system booted as L1 by tests/deb/boot-l1.sh
# (Debian's vmlinuz and initrd, the kvm modules DKMS built in that root):
# the seed's steps on the host, then a guest whose CPUID answers must be
# ours.  Prints PASS/FAIL lines, "N passed, N failed" and the lab's result
# marker, then powers the machine off.
PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# Debian's initramfs has moved /proc, /sys and /dev here already; debugfs
# and /tmp are ours to mount, with the busybox tests/deb/boot-l1.sh put in
# (mmdebstrap's apt variant has no mount(8)).
busybox mount -t debugfs debugfs /sys/kernel/debug
busybox mount -t tmpfs tmpfs /tmp
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
run() { echo "L1# $*" >&2; "$@"; }

if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then vendor=kvm_amd; else vendor=kvm_intel; fi
echo "L1: Debian kernel $(uname -r), root $(awk '$2 == "/" { print $1 }' /proc/mounts)"
# What udev does at boot on a machine with VT-x or AMD-V.
modprobe "$vendor" || bad "modprobe $vendor at boot"
run lsmod | grep kvm
if run rmmod "$vendor" && run rmmod kvm && run modprobe kvm && run modprobe "$vendor"; then
	ok "the seed's reload: rmmod $vendor; rmmod kvm; modprobe kvm; modprobe $vendor"
else
	bad "the seed's reload"
fi
run lsmod | grep kvm
took=$(run modinfo -n kvm)
echo "$took"
# DKMS compresses as the kernel's own modules are (6.12, 7.3: .ko.xz).
want=/lib/modules/$(uname -r)/updates/dkms/kvm.ko
case $took in
"$want" | "$want".xz | "$want".zst | "$want".gz) took_ours=1 ;;
*) took_ours=0 ;;
esac
if [ "$took_ours" = 1 ]; then
	ok "modinfo -n kvm: the DKMS module"
else
	bad "modinfo -n kvm: $took, expected $want (.xz, .zst or .gz if compressed)"
fi
if [ -e /sys/module/kvm/parameters/exitstat_enable ]; then
	ok "the loaded kvm.ko is kvm-exitstat's (it has exitstat_enable)"
else
	bad "the loaded kvm.ko has no exitstat_enable"
fi
# Guests: KVM selftest VMs whose vCPUs ask the leaves (tests/lab/exitstat_test.c).
for t in "-f first" cpuid io stats; do
	# shellcheck disable=SC2086 # options and a test name, split on purpose
	# By its path: a selftest loads its own ELF file into the guest.
	if /usr/local/bin/exitstat_test -n 100 $t; then
		ok "a guest's CPUID answers are ours: exitstat_test $t"
	else
		bad "exitstat_test $t"
	fi
done
# The seed's steps 6-7: Debian's QEMU in this root launches the cloud guest,
# cloud-init runs the user-data, and its answers must be the host's log
# lines (tests/deb/boot-l1.sh put it in, unless DEB_CLOUD=0).
if [ -x /usr/local/sbin/kvm-exitstat-l1-cloud ]; then
	/usr/local/sbin/kvm-exitstat-l1-cloud 2>&1 | tee /tmp/cloud.out
	pass=$((pass + $(grep -c '^PASS: ' /tmp/cloud.out)))
	fail=$((fail + $(grep -c '^FAIL: ' /tmp/cloud.out)))
	grep -q '^[0-9]* passed, 0 failed$' /tmp/cloud.out || bad "the cloud guest's run did not end in a summary without failures"
fi
echo "$pass passed, $fail failed"
if [ "$fail" -eq 0 ]; then echo "EXITSTAT-RESULT: PASS"; else echo "EXITSTAT-RESULT: FAIL"; fi
sync
# The console's last lines (the marker) are still in the tty's buffer, and
# an emulated UART (Bochs') is slow: let them out before the power goes.
sleep 2
echo o >/proc/sysrq-trigger
sleep 60
