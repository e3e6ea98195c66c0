# Shell helpers for scenarios running in L1 (sourced; busybox sh).
# Modules are installed under /lib/modules/$(uname -r) with a modules.dep,
# so the seed's own flow - modprobe kvm, modprobe kvm_intel - works as is.

# kvm_amd or kvm_intel, from the CPU the emulator gives us.
vendor_module() {
	if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then
		echo kvm_amd
	else
		echo kvm_intel
	fi
}

cpu_vendor() {
	grep -m1 '^vendor_id' /proc/cpuinfo | sed 's/.*: //'
}

# kvm_load [kvm.ko parameters...]: irqbypass, kvm, then the vendor module.
kvm_load() {
	modprobe kvm "$@" || return 1
	modprobe "$(vendor_module)" || return 1
	[ -c /dev/kvm ] || { echo "lab: no /dev/kvm after loading"; return 1; }
}

# The seed's rmmod sequence.
kvm_unload() {
	rmmod "$(vendor_module)" && rmmod kvm && rmmod irqbypass
}

# ---- The L2 guest (lab/l2.sh put QEMU, /l2/bzImage and /l2/initrd.gz here) ----
# design.md section 4's recipe: the same bzImage, 96 MiB, console on serial.
# l2_start LOG [INPUT]: QEMU in the background, L2's console into LOG, its
# keyboard (the serial line) from INPUT (default /dev/null).  Sets L2_PID.
# Named as libvirt names its guests, for exitstat --host --vm=l2.  Its QMP
# monitor is on the FIFO pair $L2_QMP.in/.out (qmp_open, qmp below): a
# host operator's tools talk to QEMU there, and FIFOs need no socket client.
L2_QMP=/tmp/l2-qmp
l2_start() {
	rm -f $L2_QMP.in $L2_QMP.out
	mkfifo $L2_QMP.in $L2_QMP.out
	/usr/bin/qemu-system-x86_64 -name guest=l2,debug-threads=on \
		-chardev pipe,id=qmp,path=$L2_QMP -mon chardev=qmp,mode=control \
		-enable-kvm -cpu host -m 96 -nodefaults -no-user-config \
		-nographic -serial stdio -vga none -no-reboot \
		-kernel /l2/bzImage -initrd /l2/initrd.gz \
		-append "console=ttyS0 panic=-1 quiet" <"${2:-/dev/null}" >"$1" 2>&1 &
	L2_PID=$!
}

# qmp_open: connects to L2's QMP monitor (fds 4 and 5), leaves the greeting
# behind and enters command mode.
qmp_open() {
	exec 4>$L2_QMP.in 5<$L2_QMP.out
	qmp '{"execute": "qmp_capabilities"}' >/dev/null
}

# qmp JSON: sends one command; prints QEMU's one-line answer ({"return"...}
# or {"error"...}, without the CR), skipping events.  Fails after 120 s.
qmp() {
	echo "$1" >&4
	while IFS= read -r -t 120 line <&5; do
		case $line in
		'{"return"'* | '{"error"'*)
			echo "$line" | tr -d '\r'
			return 0
			;;
		esac
	done
	echo "lab: QEMU gave no QMP answer to $1 in 120 s" >&2
	return 1
}

# hmp COMMAND: a human monitor command through QMP, its text as QEMU prints it.
hmp() {
	qmp "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"$1\"}}" |
		sed 's/^{"return": "//; s/"}$//; s/\\r\\n/\n/g; s/\\r//g'
}

# l2_wait_for LOG PATTERN SECONDS: until LOG has a line matching PATTERN.
# Fails, saying why, if QEMU exits first or SECONDS (L1's clock) pass.
l2_wait_for() {
	t_end=$(($(date +%s) + $3))
	until grep -aq "$2" "$1"; do
		if ! kill -0 "$L2_PID" 2>/dev/null; then
			grep -aq "$2" "$1" && return 0
			echo "lab: L2 (QEMU pid $L2_PID) exited before printing '$2'"
			return 1
		fi
		if [ "$(date +%s)" -ge "$t_end" ]; then
			echo "lab: TIMEOUT: L2 printed no '$2' in $3 s"
			return 1
		fi
		sleep 0.1
	done
}

# l2_wait_exit SECONDS: QEMU's exit status; kills it after SECONDS (status 124).
l2_wait_exit() {
	t_end=$(($(date +%s) + $1))
	while kill -0 "$L2_PID" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$t_end" ]; then
			echo "lab: TIMEOUT: L2 still running after $1 s; killing QEMU"
			kill -9 "$L2_PID" 2>/dev/null
			wait "$L2_PID" 2>/dev/null
			return 124
		fi
		sleep 0.1
	done
	wait "$L2_PID"
}

# l2_debugfs: the per-VM exitstat file of the running L2.
l2_debugfs() {
	for f in /sys/kernel/debug/kvm/"$L2_PID"-*/exitstat; do
		[ -r "$f" ] && { cat "$f"; return; }
	done
	echo "lab: no /sys/kernel/debug/kvm/$L2_PID-*/exitstat" >&2
	return 1
}

# L2's console as plain lines: no CRs, no terminal escape sequences.
l2_clean() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'
}
