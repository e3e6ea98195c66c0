#!/bin/sh
# The L2 guest's job in `make report` (lab/report.sh): once its init has a
# shell, a few workload phases, each announced by one line
# "REPORT-PHASE <name>" on the console that L1's sampler (lab/report-l1.sh)
# reads to label its samples.  At each marker L2 waits for a line on its
# console: L1 answers it right after it has read the counters, so every
# phase starts and ends on a sample (the wait, at most one sampling interval
# of HLT, is the previous phase's).  The amounts of work are fixed, not
# times, so both emulated vendors do the same work, each at its own speed;
# only the idle phase is timed (by L2's clock).
# The Debian cloud guest (make cloud) runs the same phases, as a script of
# its user-data that cloud-init's final stage runs: there is no console to
# read from, so each marker is followed by a second of sleep instead, and
# L1 samples every fraction of a second.
phase() {
	echo "REPORT-PHASE $1"
	read -r _ || sleep 1
}

# idle: nothing runs; the timer tick and HLT remain.
phase idle
sleep 3

# cpu: a shell loop, arithmetic only - no system calls, no I/O.
phase cpu
i=0
while [ $i -lt 20000 ]; do i=$((i + 1)); done

# console: 32 KiB of text through the emulated 8250 UART (port I/O).
phase console
line=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde
i=0
while [ $i -lt 512 ]; do
	echo "REPORT-IO $line"
	i=$((i + 1))
done >/dev/ttyS0

# tmpfs: 16 MiB written with dd to a tmpfs file and read back: fresh guest
# pages, each faulted into the VM on first touch (NPT/EPT).  /tmp in the
# initramfs guest; the cloud guest's /tmp is on its disk, /dev/shm is not.
phase tmpfs
tmp=/tmp
[ -d /dev/shm ] && tmp=/dev/shm
dd if=/dev/zero of=$tmp/report.dat bs=64k count=256 2>/dev/null
dd if=$tmp/report.dat of=/dev/null bs=64k 2>/dev/null
rm -f $tmp/report.dat

# fork: 200 fork + exec of /bin/true (busybox).
phase fork
i=0
while [ $i -lt 200 ]; do
	/bin/true
	i=$((i + 1))
done

# shutdown: from here to QEMU's exit (reboot -f in /init; in the cloud
# guest runcmd's queries, then cloud-init's power_state).
phase shutdown
