#!/bin/sh
# L1's part of lab/run-cloud.sh (its /scenario.sh; the cloud guest's disk is
# L1's first disk) and of make deb-check's L1 (tests/deb/l1-init.sh; the
# disk is the file /cloud/disk.img): L1 is Debian's kernel with our
# modules, /cloud holds the guest's kernel, initrd and seed.  As the seed
# does: reload kvm (with the query log on), launch the guest with Debian's
# QEMU (-enable-kvm, virtio disk and network, 2 vCPUs, 1 GiB, the NoCloud
# seed made by cloud-localds), let cloud-init run the user-data, read the
# host's log.  Checks that the guest reached cloud-init's final stage and
# that each answer it printed equals the host's log line of that query.
. /lab-lib.sh
TMO=${TMO:-3000}	# seconds of L1's clock for the guest's whole run
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
vendor=$(vendor_module)
d=/tmp/cloud
mkdir -p $d

if rmmod "$vendor" && rmmod kvm && kvm_load exitstat_log=1; then
	ok "reload: kvm exitstat_log=1, $vendor"
else
	bad "reload: kvm exitstat_log=1, $vendor"
fi
disk=/cloud/disk.img
if [ ! -f $disk ]; then
	# L1's disk: virtio on QEMU (built in from 6.12), ATA on Bochs.
	for m in virtio_pci virtio_blk ata_piix sd_mod; do modprobe "$m" 2>/dev/null; done
	disk=
	for i in $(seq 50); do
		for dev in /dev/vda /dev/sda; do [ -b $dev ] && disk=$dev; done
		[ -n "$disk" ] && break
		sleep 0.2
	done
fi
[ -n "$disk" ] || { bad "L1 sees the cloud guest's disk"; echo "$pass passed, $fail failed"; exit 1; }
dmesg -c >/dev/null

read -r up0 _ </proc/uptime
# snapshot=on keeps the guest's writes in a temporary file in /var/tmp.
mkdir -p /var/tmp
: >$d/console
/usr/bin/qemu-system-x86_64 -name guest=cloud,debug-threads=on \
	-enable-kvm -cpu host -smp 2 -m 1024 -nodefaults -no-user-config \
	-nographic -serial stdio -vga none -no-reboot \
	-kernel /cloud/vmlinuz -initrd /cloud/initrd \
	-append "root=LABEL=cloudroot ro console=ttyS0" \
	-drive file=$disk,format=raw,if=virtio,snapshot=on \
	-drive file=/cloud/seed.img,format=raw,if=virtio,readonly=on \
	-netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= \
	</dev/null >>$d/console 2>&1 &
L2_PID=$!
echo "lab: cloud guest started (QEMU pid $L2_PID) on $disk"
# Its console on L1's, as it comes: where a boot is slow shows there.  The
# forwarder ends at a last line written once QEMU is gone (under Bochs it
# is minutes behind), so that nothing of it comes between L1's own lines.
mkfifo $d/forward
sed '/^L2-CONSOLE-END$/q; s/^/L2| /' <$d/forward &
FORWARD=$!
tail -f $d/console >$d/forward &
TAIL=$!
# The exit profile (lab-lib.sh's profile_run, as make report's): the VM's
# counters every INTERVAL s of L1's clock until QEMU exits, each sample
# labelled "boot" until the user-data's first "REPORT-PHASE <name>" line
# (cloud-init's final stage runs it), then by that phase.  Under Bochs L1's
# clock follows executed instructions and a boot is a few seconds of it.
[ "$vendor" = kvm_intel ] && INTERVAL=${INTERVAL:-0.1} || INTERVAL=${INTERVAL:-0.5}
PROFILE=$d/samples
: >$PROFILE
st=0
profile_run $d/console "$INTERVAL" "$TMO" || st=$?
read -r up _ </proc/uptime
# After QEMU's last line, ended or not; sed reads a line ahead (for its $
# address), so the end line is followed by one more, or sed never acts on it.
printf '\nL2-CONSOLE-END\n\n' >>$d/console
wait $FORWARD
kill $TAIL
echo "lab: the guest ran $(awk -v a="$up" -v b="$up0" 'BEGIN { printf "%.1f", a - b }') s (L1's clock), QEMU exit status $st"
[ "$st" -eq 0 ] && ok "the guest powered itself off (user-data power_state), QEMU status 0" ||
	bad "the guest powered itself off: QEMU status $st"
# The boot: from QEMU's start to the last sample labelled "boot".
final=$(awk -v up0="$up0" '$1 == "S" && $3 == "boot" { t = $2 } END { if (t != "") printf "%.1f", t - up0 }' $PROFILE)
if grep -aq 'Cloud-init v. .* finished at' $d/console; then
	ok "the guest reached cloud-init's final stage; its boot to there took $final s (L1's clock)"
else
	bad "the guest reached cloud-init's final stage; the end of its console:"
	l2_clean $d/console | tail -n 30
fi
l2_clean $d/console >$d/l2
dmesg >$d/dmesg
# (the guest's console went by above, as L2| lines)
echo "--- the host's (L1's) log of the guest's queries"
grep -a "kvm: vm $L2_PID " $d/dmesg
echo "---"
echo "lab: host view (debugfs) of the guest at the end of its boot"
awk '$1 == "S" { on = $3 == "boot"; if (on) n = 0; next } on { row[++n] = $0 }
	END { for (i = 1; i <= n; i++) print "  " row[i] }' $PROFILE

# Each answer: "CLOUD-CPUID 0x4ffffffd 0x72: eax=0x000002fa ebx=... ecx=... edx=..."
# (behind systemd's "cloud-init[N]: " on the console) against the first
# host line "kvm: vm PID vcpu N cpuid 0x4ffffffd ecx 0x72: eax=0x2fa ...".
n=0
sed -n 's/.*CLOUD-CPUID //p' $d/l2 | sed 's/[:=]/ /g' >$d/answers
while read -r leaf ecx _ a _ b _ c _ dx; do
	n=$((n + 1))
	want="$(printf '%d %d %d %d' "$a" "$b" "$c" "$dx")"
	host=$(grep -a -m1 "kvm: vm $L2_PID vcpu [0-9]* cpuid $(printf '0x%x' "$leaf") ecx $(printf '0x%x' "$ecx"):" $d/dmesg |
		sed 's/.*: eax=\([0-9a-fx]*\) ebx=\([0-9a-fx]*\) ecx=\([0-9a-fx]*\) edx=\([0-9a-fx]*\).*/\1 \2 \3 \4/')
	got=
	[ -z "$host" ] || got="$(printf '%d %d %d %d' $host)"
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		ok "cpuid -l $leaf -s $ecx in the guest = the host's log line ($want)"
	else
		bad "cpuid -l $leaf -s $ecx in the guest ($want) vs the host's log line ('$host')"
	fi
done <$d/answers
[ "$n" -eq 10 ] && ok "the user-data's 10 queries all printed" || bad "the user-data printed $n queries, expected 10"
grep -aq 'CLOUD-EXITSTAT-END 0$' $d/l2 && ok "exitstat in the guest: exit 0" || bad "exitstat in the guest"
# L1's own interrupts: each that came while a vCPU ran was one of the
# guest's external-interrupt exits.
echo "lab: L1's interrupts (/proc/interrupts) at the end"
sed 's/^/  /' /proc/interrupts
# The profile, for lab/report-cloud.sh and make report (lab/report-csv.sh).
echo "REPORT-META vendor=$vendor kernel=$(uname -r) interval=$INTERVAL"
echo "REPORT-META up0=$up0 end=$up qemu_status=$st samples=$(grep -c '^S ' $PROFILE) boot_s=$final"
profile_emit
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
