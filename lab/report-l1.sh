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

read -r up0 _ </proc/uptime
echo "REPORT-META vendor=$(vendor_module) kernel=$(uname -r) interval=$INTERVAL"
l2_start $d/console $d/in
PROFILE=$s
st=0
profile_run $d/console "$INTERVAL" "$TMO" 3 || st=$?
read -r up _ </proc/uptime
echo "REPORT-META up0=$up0 end=$up qemu_status=$st samples=$(grep -c '^S ' $s)"

# L2's console without the console phase's filler.
l2_clean $d/console | grep -av '^REPORT-IO ' | sed 's/^/REPORT-L2: /'
profile_emit
l2_clean $d/console | grep -aq '^L2-JOB-STATUS: 0' && [ "$st" -eq 0 ]
