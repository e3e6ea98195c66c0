#!/bin/sh
# L1's part of `make demo` (lab/demo-guest.sh), run by the initramfs /init:
# reload kvm with exitstat_log=1, boot the L2 guest, pass on its output,
# the host's kernel-log line of its cpuid query, exitstat --host's view of
# it while it waits and QEMU's info stats, between DEMO- markers.
. /lab-lib.sh
vendor=$(vendor_module)
rmmod "$vendor" && rmmod kvm && kvm_load exitstat_log=1 || exit 1
dmesg -c >/dev/null
echo "DEMO-L1-UP"
mkfifo /tmp/l2.in
exec 3<>/tmp/l2.in	# L2's keyboard; read-write so that opening never blocks
l2_start /tmp/l2.console /tmp/l2.in
st=0
l2_wait_for /tmp/l2.console 'L2: .* up' "${TMO:-600}" && echo "DEMO-L2-UP"
if l2_wait_for /tmp/l2.console '^DEMO-PAUSE' "${TMO:-600}"; then
	/bin/exitstat-static --host --by-vm 2>&1 | sed 's/^/DEMO-HOST /'
	# The same counters as QEMU shows them from KVM's binary stats, beside
	# KVM's own exit count.
	qmp_open && hmp "info stats vcpu exits,exitstat_exits_by_slot kvm" |
		fold -s -w 100 | sed 's/^/DEMO-HMP /'
	echo go >&3
fi
l2_wait_exit "${TMO:-600}" || st=$?
l2_clean /tmp/l2.console >/tmp/l2
sed 's/^/DEMO-L2: /' /tmp/l2
r=$(sed -n 's/^DEMO-CPUID 0x4ffffffd \(0x[0-9a-f]*\):.*/\1/p' /tmp/l2)
r=$(printf '%#x' "$r" 2>/dev/null)
line=$(dmesg | grep -a -m1 "kvm: vm $L2_PID vcpu [0-9]* cpuid 0x4ffffffd ecx $r:")
echo "DEMO-HOSTLOG $line"
[ "$st" -eq 0 ] && [ -n "$line" ] && grep -q '^DEMO-TABLE-END 0$' /tmp/l2
