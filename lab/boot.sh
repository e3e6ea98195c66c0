#!/bin/bash
# Boots the lab kernel + initramfs as L1 on an emulated CPU and waits for the
# result marker that the initramfs /init prints on the serial console.
#   amd:   QEMU TCG, qemu64 + SVM + NPT + the x86-64-v2 baseline that the
#          6.12 selftests are built for (kvm_amd in L1)
#   intel: Bochs 2.7, Skylake-X with VMX + EPT (kvm_intel in L1)
# usage: lab/boot.sh amd|intel BZIMAGE INITRD SERIAL-LOG [TIMEOUT-SECONDS]
# TIMEOUT-SECONDS: of the emulator's CPU time (default 300 AMD, 600 Intel).
# Exit status: 0 PASS, 1 FAIL or no marker, 124 timeout or stall (a stall
# of QEMU on the host's clock is said and booted once more: see the end).
# LAB_MEM: L1's memory in MiB (default 512; an L2 guest needs 1024).
# LAB_DISK=IMAGE: a raw disk for L1 (virtio on QEMU, ATA on Bochs) whose
# writes are dropped at the end; LAB_APPEND: more kernel parameters.
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 amd|intel BZIMAGE INITRD SERIAL-LOG [TIMEOUT]" >&2; exit 2; }
vendor=$1 kernel=$2 initrd=$3 log=$4
case $vendor in
amd | intel) ;;
*) echo "boot: vendor must be amd or intel, not '$vendor'" >&2; exit 2 ;;
esac
limit=${5:-$([ "$vendor" = intel ] && echo 600 || echo 300)}
append="console=ttyS0 panic=-1${LAB_APPEND:+ $LAB_APPEND}"
marker='EXITSTAT-RESULT: '
mem=${LAB_MEM:-512}
work=$(dirname "$log")/boot-$vendor
mkdir -p "$work"

start_qemu() {
	# L1's clock counts instructions, as Bochs' does: what L1 and its
	# guests measure - time limits, timer and clock tests, cycles - is then
	# the same however busy the host is.  -icount shift=S: 2^S ns an
	# instruction, so the TSC runs at 1 GHz / 2^S; S=2 (250 MHz) is about
	# the rate TCG executes here, so L1's seconds last about as long as the
	# host's.  sleep=off: idle time is skipped, not waited for.
	# LAB_ICOUNT=0 gives L1 the host's clock instead.  Either way L1 is told
	# its TSC rate: L1's PIT calibration of a host-clocked TSC sometimes
	# fails on a busy host, and with tsc_khz = 0 KVM never enters a guest
	# (kvm_guest_time_update keeps requesting KVM_REQ_CLOCK_UPDATE).
	local shift=${LAB_ICOUNT_SHIFT:-2}
	local khz=$((1000000 >> shift)) clock=(-icount "shift=$shift,sleep=off") disk=()
	[ -z "${LAB_DISK:-}" ] || disk=(-drive "file=$LAB_DISK,format=raw,if=virtio,snapshot=on")
	# On the host's clock L1 also keeps a periodic local APIC timer (no
	# high-resolution timers, no dynticks): QEMU 7.2's VMRUN sets a bit of
	# the vCPU's interrupt requests without the lock that the APIC timer,
	# firing in QEMU's main thread, takes to post its own; when the two meet,
	# the timer's request is lost and its vector stays in IRR, never taken.
	# A one-shot timer then never fires again: L1 halts for good, or L2 spins
	# waiting for a tick (seen as stalls and timeouts here, more often on a
	# loaded host).  A periodic timer posts again at the next tick.  (Upstream
	# made these updates atomic after 10.1; 10.0 still races.)
	# And tsc=reliable: TCG's TSC is the host's own, steady and monotonic,
	# but the clocksource watchdog checks it against jiffies, which count
	# timer interrupts that a busy host delays and merges; L1 then marked
	# its TSC unstable and fell back to jiffies now and then, in boot or
	# later, failing KVM's clock selftests with either KVM and every L2's
	# kvmclock with them (docs/clock-selftests.md).
	local tick=
	if [ "${LAB_ICOUNT:-1}" = 0 ]; then
		khz=$(awk -F': ' '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
		clock=()
		tick=" nohz=off highres=off tsc=reliable"
	fi
	# -no-reboot: reboot -f makes QEMU exit.  Its monitor is on a FIFO pair
	# (qemu_state below asks it when L1 stalls).
	rm -f "$work/monitor.in" "$work/monitor.out"
	mkfifo "$work/monitor.in" "$work/monitor.out"
	setsid qemu-system-x86_64 -accel tcg "${clock[@]}" \
		-cpu qemu64,+svm,+npt,+popcnt,+sse4.1,+sse4.2,+ssse3,+cx16 -m "$mem" \
		-display none -monitor "pipe:$work/monitor" -serial "file:$log" -no-reboot \
		-kernel "$kernel" -initrd "$initrd" "${disk[@]}" \
		-append "$append tsc_early_khz=${khz:-2000000}$tick" \
		</dev/null >"$work/emulator.out" 2>&1 &
	pid=$!
}

# The release a bzImage was built as: its setup header (at 0x20e) points
# at the version string, 0x200 bytes before where the offset counts from.
bzimage_release() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ')
	dd if="$1" bs=1 skip=$((off + 0x200)) count=64 2>/dev/null | tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

start_bochs() {
	# Bochs boots from a CD: an isolinux ISO holding the kernel and initrd.
	local iso=$work/iso bochs_append=$append
	# Bochs 2.7 reports a wrong XSAVE area size for Skylake-X; every kernel
	# then turns XSAVE off during boot, and from 6.16 on that path crashes
	# (docs/bochs-xsave-7.3.md).  noxsave makes those kernels turn XSAVE off
	# up front instead: the same CPU features that 6.1 and 6.12 are left
	# with here, so L1 offers its guests the same CPU whatever its kernel.
	case $(bzimage_release "$kernel") in
	[1-5].* | 6.[0-9].* | 6.1[0-5].*) ;;
	*) bochs_append="$append noxsave" ;;
	esac
	rm -rf "$iso" && mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
	cp "$kernel" "$iso/bzimage"
	cp "$initrd" "$iso/initrd.gz"
	printf 'DEFAULT lab\nPROMPT 0\nLABEL lab\n  KERNEL /bzimage\n  INITRD /initrd.gz\n  APPEND %s\n' \
		"$bochs_append" >"$iso/isolinux/isolinux.cfg"
	xorriso -as mkisofs -o "$work/lab.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$iso" >"$work/xorriso.log" 2>&1 ||
		{ cat "$work/xorriso.log" >&2; exit 1; }
	cat >"$work/bochsrc" <<-BOCHSRC
	megs: $mem
	cpu: model=corei7_skylake_x, count=1, ips=200000000
	clock: sync=none
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	ata0-master: type=cdrom, path=$work/lab.iso, status=inserted
	$([ -z "${LAB_DISK:-}" ] || echo "ata0-slave: type=disk, path=$LAB_DISK, mode=volatile")
	boot: cdrom
	com1: enabled=1, mode=file, dev=$log
	display_library: term
	log: $work/bochs.log
	panic: action=fatal
	error: action=report
	info: action=ignore
	debug: action=ignore
	BOCHSRC
	# Debian's Bochs has its debugger built in: "c" runs, "quit" ends it.
	printf 'c\nquit\n' >"$work/bochs.rc"
	# No nogui display: the term display needs a terminal and a TERM.
	TERM=dumb setsid script -qfc "bochs -q -f $work/bochsrc -rc $work/bochs.rc" /dev/null \
		</dev/null >"$work/emulator.out" 2>&1 &
	pid=$!
}

t0=0
elapsed() {	# seconds since t0, with milliseconds
	local ms=$((($(date +%s%N) - t0) / 1000000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}
pid=
stop() { [ -z "$pid" ] || { kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true; }
# The emulator has a session of its own: take it down with us, however we end.
trap stop EXIT
trap 'exit 130' INT TERM

# CPU seconds the emulator has used: every process descended from the one
# setsid began.  Not its session: script gives Bochs a session of its own.
cpu_secs() {
	ps -e -o pid=,ppid=,times= | awk -v root="$pid" '
		{ parent[$1] = $2; secs[$1] = $3 }
		END {
			for (p in parent) {
				q = p
				while (q != root && q in parent && q > 1)
					q = parent[q]
				if (q == root)
					s += secs[p]
			}
			print s + 0
		}'
}
# What QEMU says of an L1 that stalled or ran out of time: running, or
# paused (io-error: the host's disk is full); where the CPU is (HLT=1:
# halted); its local APIC's timer and pending interrupts (an interrupt left
# in IRR that the CPU never takes, or a halted L1 with no timer armed).
qemu_state() {
	[ "$vendor" = amd ] || return 0
	# QEMU holds both FIFOs open: neither open blocks.
	printf 'info status\ninfo registers\ninfo lapic\n' >"$work/monitor.in"
	timeout 5 cat "$work/monitor.out" >"$work/monitor.txt" 2>/dev/null || true
	echo "boot: QEMU's monitor now (all of it in $work/monitor.txt), and the host's disk:" >&2
	tr -d '\r' <"$work/monitor.txt" | grep -a '^VM status\|^RIP=\|^CR0=\|^LVTT[[:space:]]\|^Timer\|^ISR\|^IRR' | sed 's/^/  /' >&2
	df -Ph "$work" "${TMPDIR:-/var/tmp}" | sed 's/^/  /' >&2
}
give_up() {	# give_up MESSAGE: QEMU's view of L1, then stop it
	qemu_state
	stop
	echo "boot: $1; emulator killed. Last serial lines:" >&2
	tail -n 20 "$log" >&2
}

# boot_once: starts the emulator and waits for the marker, the emulator's
# own exit, or a limit.  Returns 0 (marker), 1 (exited without one) or 124
# (timeout, or a stall: then stalled=1).  The limit is of the emulator's
# CPU time, not of wall time: how far L1 got depends on the instructions it
# ran, so a busy host slows the run down but cannot make it time out.  A
# frozen L1 (halted, no interrupt coming) uses no CPU time: that is caught
# as a stall, when neither the emulator's CPU time nor the serial log has
# moved for $LAB_STALL wall seconds.
stall=${LAB_STALL:-120}
stalled=0
boot_once() {
	: >"$log"
	if [ "$vendor" = amd ]; then start_qemu; else start_bochs; fi
	t0=$(date +%s%N)
	local n=0 cpu=0 size=0 moved=$SECONDS now_cpu now_size
	while ! grep -aq "$marker" "$log"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -aq "$marker" "$log" && break	# it wrote the marker and exited
			echo "boot: $vendor emulator exited after $(elapsed) s without a result; see $log, $work/emulator.out" >&2
			tail -n 20 "$log" >&2
			return 1
		fi
		if [ $((n++ % 25)) -eq 0 ]; then	# every 5 s
			now_cpu=$(cpu_secs) now_size=$(stat -c %s "$log")
			if [ "$now_cpu" != "$cpu" ] || [ "$now_size" != "$size" ]; then
				moved=$SECONDS
			fi
			cpu=$now_cpu size=$now_size
			if [ "${cpu%.*}" -ge "$limit" ]; then
				give_up "TIMEOUT: $vendor lab gave no result in $limit s of emulator CPU time ($(elapsed) s wall)"
				return 124
			fi
			if [ $((SECONDS - moved)) -ge "$stall" ]; then
				stalled=1
				give_up "STALLED: $vendor L1 used no CPU time and printed nothing for $stall s ($(elapsed) s in)"
				return 124
			fi
		fi
		sleep 0.2
	done
}

rc=0
boot_once || rc=$?
# QEMU TCG on the host's clock, running a Linux L2 under KVM in L1, froze
# now and then for good before L1 had a periodic timer (start_qemu): 1 run
# in 10 or so with the host loaded.  Should it still freeze, that run says
# nothing about kvm-exitstat: it is said, its log kept, and L1 booted once
# more.  A second freeze, and any other failure, stand.
if [ "$stalled" = 1 ] && [ "$vendor" = amd ] && [ "${LAB_ICOUNT:-1}" = 0 ]; then
	mv "$log" "$log.stalled"
	echo "boot: the emulator froze (above; its serial log is $log.stalled): booting L1 once more" >&2
	stalled=0 rc=0
	boot_once || rc=$?
fi
[ "$rc" -eq 0 ] || exit "$rc"
secs=$(elapsed)
# QEMU exits on reboot -f by itself; Bochs would reboot, so stop it.
if [ "$vendor" = amd ]; then
	for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
fi
stop

result=$(grep -a -m1 -o "${marker}[A-Z]*" "$log")
echo "boot: $vendor ${result#"$marker"} in $secs s (boot + test); serial log $log"
[ "$result" = "${marker}PASS" ]
