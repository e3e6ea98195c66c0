#!/bin/sh
# The seed's reload - rmmod kvm_intel; rmmod kvm; modprobe kvm; modprobe
# kvm_intel (kvm_amd on AMD) - refused while anything uses KVM, so that no
# running VM loses its hypervisor.  modprobe takes whichever kvm.ko depmod
# put first: ours from updates/ once installed, the stock one otherwise.
# POSIX sh: it runs on a host and, for the tests, in the lab's busybox L1.
#
# usage: reload-kvm.sh [--check]
#   --check  only say whether KVM could be reloaded now
# Exit status: 0 reloaded (or could be), 1 KVM in use or a module failed,
# 2 no VT-x/AMD-V here or KVM is built into the kernel.

usage() { echo "usage: reload-kvm.sh [--check]" >&2; exit 2; }
check=0
case ${1:-} in
"") ;;
--check) check=1 ;;
-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) usage ;;
esac
[ $# -le 1 ] || usage

if grep -qw vmx /proc/cpuinfo; then
	vendor=kvm_intel
elif grep -qw svm /proc/cpuinfo; then
	vendor=kvm_amd
else
	echo "reload-kvm: this CPU offers neither VT-x (vmx) nor AMD-V (svm); is it enabled in the firmware?" >&2
	exit 2
fi
if [ -d /sys/module/kvm ] && [ ! -e /sys/module/kvm/initstate ]; then
	echo "reload-kvm: KVM is built into this kernel; only a kernel built with CONFIG_KVM=m can load other modules" >&2
	exit 2
fi

# The programs holding KVM (/dev/kvm, a VM or a vCPU file) into $held.  In
# this shell, not a subshell: a fork would inherit the caller's descriptors
# and name itself; /proc is listed before the readlinks fork.
holders() {
	held="" pids=""
	for fd in /proc/[0-9]*/fd/*; do
		pid=${fd#/proc/}
		pid=${pid%%/*}
		[ "$pid" != $$ ] || continue
		case $(readlink "$fd" 2>/dev/null) in
		/dev/kvm | anon_inode:kvm-vm | anon_inode:kvm-vcpu*) ;;
		*) continue ;;
		esac
		case " $pids " in *" $pid "*) continue ;; esac
		pids="$pids $pid"
		held="$held $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
	done
}

# Every open /dev/kvm and every VM holds a reference to the vendor module.
if [ -e "/sys/module/$vendor/refcnt" ]; then
	refs=$(cat "/sys/module/$vendor/refcnt")
	if [ "$refs" -ne 0 ]; then
		holders
		echo "reload-kvm: $vendor is in use ($refs references): stop the VMs first; KVM is held by:${held:- no process (a kernel user?)}" >&2
		exit 1
	fi
fi
[ $check -eq 0 ] || { echo "reload-kvm: KVM is not in use; $vendor can be reloaded"; exit 0; }

for m in $vendor kvm; do
	if [ -d "/sys/module/$m" ]; then
		rmmod "$m" || { echo "reload-kvm: rmmod $m failed" >&2; exit 1; }
	fi
done
modprobe kvm || { echo "reload-kvm: modprobe kvm failed; see dmesg" >&2; exit 1; }
modprobe "$vendor" || { echo "reload-kvm: modprobe $vendor failed; see dmesg" >&2; exit 1; }
if [ -e /sys/module/kvm/parameters/exitstat_enable ]; then
	echo "reload-kvm: reloaded kvm and $vendor: kvm-exitstat, exitstat_enable=$(cat /sys/module/kvm/parameters/exitstat_enable)"
else
	echo "reload-kvm: reloaded kvm and $vendor: stock KVM, no kvm-exitstat counters"
fi
