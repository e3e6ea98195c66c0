#!/bin/sh
# L1's part of `make report` (lab/report.sh), run by the initramfs /init:
# boots the L2 guest (its job: lab/report-l2.sh) and samples the L2 VM's
# per-VM debugfs file every REPORT_INTERVAL seconds of L1's clock, from
# QEMU's start through L2's boot and its workload phases to QEMU's exit.
# L2's "REPORT-PHASE <name>" lines name the phase of each sample; at each
# one L1 takes a sample, then lets L2 go on (a line on its console), so that
# the phases start and end on a sample.
# The samples stay in L1's tmpfs while L2 runs (the console would cost L1
# time); at the end they go out on L1's serial console, only the rows that
# changed, gzip'd and base64'd, between REPORT-DATA-BEGIN and -END.
. /lab-lib.sh
TMO=${TMO:-900}			# seconds (L1's clock) for the whole L2 run
# Under Bochs L1's clock follows executed instructions: L2's whole boot is
# about half a second of it, so Intel samples 4x as often.
if [ "$(vendor_module)" = kvm_intel ]; then
	INTERVAL=${REPORT_INTERVAL:-0.05}
else
	INTERVAL=${REPORT_INTERVAL:-0.2}
fi
d=/tmp/report
s=$d/samples
mkdir -p $d
mkfifo $d/in
exec 3<>$d/in			# L2's keyboard; read-write, never blocks on open
: >$d/console
: >$s
cr=$(printf '\r')

read -r up0 _ </proc/uptime
echo "REPORT-META vendor=$(vendor_module) kernel=$(uname -r) interval=$INTERVAL"
l2_start $d/console $d/in
exec 4<$d/console
vmfile=

# sample PHASE: "S <L1 uptime> <phase>", then the per-VM file as it is now
# (nothing before QEMU has made its VM).  Once found, the file is held open
# on fd 5: an open per-VM file pins the VM, so it and its counters outlive
# QEMU's exit and the last sample, after it, has the whole run.
sample() {
	read -r up _ </proc/uptime
	echo "S $up $1" >>$s
	if [ -z "$vmfile" ]; then
		for f in /sys/kernel/debug/kvm/"$L2_PID"-*/exitstat; do
			[ -r "$f" ] && { vmfile=$f; exec 5<"$f"; break; }
		done
	fi
	[ -z "$vmfile" ] || cat "$vmfile" >>$s 2>/dev/null
}

phase=boot part= st=0
t_end=$((${up0%.*} + TMO))
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
	sample "$phase"
	if [ -n "$new" ]; then
		phase=$new
		echo go >&3
	fi
	if [ "${up%.*}" -ge "$t_end" ]; then
		echo "report: TIMEOUT: L2 still running after $TMO s; killing QEMU"
		kill -9 "$L2_PID"
		st=124
		break
	fi
	sleep "$INTERVAL"
done
[ $st -ne 0 ] || { wait "$L2_PID"; st=$?; }
sample "$phase"			# after QEMU's exit: the final counts
exec 5<&-
read -r up _ </proc/uptime
echo "REPORT-META up0=$up0 end=$up qemu_status=$st samples=$(grep -c '^S ' $s)"

# L2's console without the console phase's filler.
l2_clean $d/console | grep -av '^REPORT-IO ' | sed 's/^/REPORT-L2: /'
echo "REPORT-DATA-BEGIN"
awk '$1 == "S" { print; next }
	$1 == "reason" { next }
	{ v = $3 " " $4; if (last[$1] != v) { last[$1] = v; print } }' $s | gzip -9 | base64
echo "REPORT-DATA-END"
l2_clean $d/console | grep -aq '^L2-JOB-STATUS: 0' && [ "$st" -eq 0 ]
