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

# ---- The exit profile of the running L2 (make report, make cloud) ----
# Samples go to the file $PROFILE: "S <L1 uptime> <phase>", then the L2 VM's
# per-VM file as it is at that moment (nothing before QEMU has made its VM).
# Once found, that file is held open on fd 5: an open per-VM file pins the
# VM, so its counters outlive QEMU's exit and the last sample, taken after
# it, has the whole run.
profile_sample() {
	read -r up _ </proc/uptime
	echo "S $up $1" >>"$PROFILE"
	if [ -z "${PROFILE_VM:-}" ]; then
		for f in /sys/kernel/debug/kvm/"$L2_PID"-*/exitstat; do
			[ -r "$f" ] && { PROFILE_VM=$f; exec 5<"$f"; break; }
		done
	fi
	[ -z "${PROFILE_VM:-}" ] || cat "$PROFILE_VM" >>"$PROFILE" 2>/dev/null
}

# profile_run CONSOLE INTERVAL SECONDS [ACK-FD]: samples every INTERVAL s of
# L1's clock from now until QEMU ($L2_PID) exits, labelling each sample
# with the phase in force: "boot" until the guest prints a line
# "REPORT-PHASE <name>" on its console (CONSOLE, the file QEMU writes it to),
# then that name.  The sample taken when a marker is seen closes the phase
# before it; ACK-FD, if given, then gets a line ("go"), for a guest that
# waits for one.  After SECONDS of L1's clock QEMU is killed.  Returns
# QEMU's exit status (124 if killed); the last sample is taken after it.
profile_run() {
	local console=$1 interval=$2 t_end phase=boot part= new l cr st=0
	cr=$(printf '\r')
	read -r t_end _ </proc/uptime
	t_end=$((${t_end%.*} + $3))
	exec 4<"$console"
	while kill -0 "$L2_PID" 2>/dev/null; do
		# New console lines (shell built-ins only: no process per poll).  A
		# line QEMU has not finished writing is kept for the next poll.
		new=
		while :; do
			if IFS= read -r l <&4; then
				l=$part$l part=
				case $l in
				*REPORT-PHASE\ *) new=${l##*REPORT-PHASE } new=${new%"$cr"} ;;
				esac
			else
				part=$part$l
				break
			fi
		done
		profile_sample "$phase"
		if [ -n "$new" ]; then
			phase=$new
			[ -z "${4:-}" ] || echo go >&"$4"
		fi
		if [ "${up%.*}" -ge "$t_end" ]; then
			echo "lab: TIMEOUT: L2 still running after $3 s; killing QEMU"
			kill -9 "$L2_PID"
			st=124
			break
		fi
		sleep "$interval"
	done
	exec 4<&-
	[ $st -ne 0 ] || { wait "$L2_PID"; st=$?; }
	profile_sample "$phase"
	exec 5<&-
	return $st
}

# profile_emit: the samples on L1's console, only the rows that changed,
# gzip'd and base64'd between REPORT-DATA-BEGIN and -END (lab/report-csv.sh
# makes the CSV of them).
profile_emit() {
	echo "REPORT-DATA-BEGIN"
	awk '$1 == "S" { print; next }
		$1 == "reason" { next }
		{ v = $3 " " $4; if (last[$1] != v) { last[$1] = v; print } }' "$PROFILE" | gzip -9 | base64
	echo "REPORT-DATA-END"
}
