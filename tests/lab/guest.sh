#!/bin/sh
# The cross-check in a real Linux guest, run in L1 by the initramfs /init
# (lab/run-guest.sh): L2 (the same kernel, booted by QEMU -enable-kvm) runs
# Debian's cpuid and exitstat (tests/lab/guest-l2.sh); L1 holds their answers
# against the host side: the kernel log line of each query (kvm.exitstat_log)
# and the per-VM debugfs file, read while QEMU is stopped at L2's pauses.
# Ends with "N passed, N failed"; exits non-zero if anything failed.
. /lab-lib.sh
TMO=${TMO:-600}		# seconds (L1's clock) for each step of L2
pass=0
fail=0
vendor=$(vendor_module)
d=/tmp/guest
mkdir -p $d

ok() {
	pass=$((pass + 1))
	echo "PASS: $1"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL: $1"
}
# expect NAME CONDITION...: one check; CONDITION is a test(1) expression.
expect() {
	name=$1
	shift
	if [ "$@" ]; then ok "$name"; else bad "$name"; fi
}

# ---- host side: kvm reloaded with exitstat_log=1 ----
if rmmod "$vendor" && rmmod kvm && kvm_load exitstat_log=1; then
	ok "reload: kvm exitstat_log=1, $vendor"
else
	bad "reload: kvm exitstat_log=1, $vendor"
	echo "$pass passed, $fail failed"
	exit 1
fi
dmesg -c >/dev/null

# ---- L2 ----
mkfifo $d/in
exec 3<>$d/in		# L2's keyboard; read-write so that opening never blocks
t0=$(date +%s)
l2_start $d/console $d/in
echo "lab: L2 started (QEMU pid $L2_PID)"

# stopped: every thread of QEMU has stopped (vCPU threads left KVM_RUN).
stopped() {
	for s in /proc/"$L2_PID"/task/*/stat; do
		# state is the field after "(comm)"
		st=$(sed 's/.*) //' "$s" | cut -d' ' -f1)
		[ "$st" = T ] || [ "$st" = t ] || return 1
	done
}
# exitstat --host's views of L2 while it is stopped (at pause 1), for the
# checks below; its Prometheus text also on the console for promtool.
host_views() {
	x=/bin/exitstat-static
	$x --host --csv >$d/host.csv 2>&1; echo "$?" >$d/host.csv.rc
	$x --host --vm=l2 --json >$d/host-name.json 2>&1
	$x --host --vm="$L2_PID" --json >$d/host-pid.json 2>&1
	$x --host --by-vcpu --csv >$d/host-vcpu.csv 2>&1
	$x --host -w 0.5 -c 1 --csv >$d/host-w.csv 2>&1
	$x --host --debugfs=/nonexistent >$d/host-bad.out 2>&1; echo "$?" >$d/host-bad.rc
	echo "L1-HOSTPROM-BEGIN"
	$x --host --by-vcpu --prometheus
	echo "L1-HOSTPROM-END $?"
}
# QEMU's own view of L2's vCPU, as a host operator gets it (at pause 1,
# L2 waiting on its console: no CPUID runs).  QMP's stop returns once every
# vCPU has left KVM_RUN; then query-stats, the vCPU's debugfs file and HMP's
# info stats see the same counters; cont.
QSTATS='{"execute": "query-stats", "arguments": {"target": "vcpu", "providers": [{"provider": "kvm", "names": ["exitstat_exits_by_slot", "exitstat_cycles_by_slot"]}]}}'
qmp_views() {
	qmp_open &&
		qmp '{"execute": "stop"}' >$d/qmp-stop &&
		qmp "$QSTATS" >$d/qmp-stats &&
		cat /sys/kernel/debug/kvm/"$L2_PID"-*/vcpu0/exitstat >$d/qmp-debugfs &&
		hmp "info stats vcpu exitstat_exits_by_slot,exitstat_cycles_by_slot kvm" >$d/hmp-stats &&
		qmp '{"execute": "cont"}' >$d/qmp-cont
}
# At L2's pause N: stop QEMU, read debugfs twice, resume, let L2 go on.
at_pause() {
	if ! l2_wait_for $d/console "^L2-PAUSE $1" "$TMO"; then
		bad "L2 reaches pause $1"
		return 1
	fi
	kill -STOP "$L2_PID"
	i=0
	until stopped; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		sleep 0.05
	done
	l2_debugfs >$d/debugfs"$1"
	[ "$1" != 1 ] || host_views
	l2_debugfs >$d/debugfs"$1".again
	kill -CONT "$L2_PID"
	[ "$1" != 1 ] || qmp_views || bad "QMP: stop, query-stats, info stats, cont"
	echo go >&3
	echo "lab: L2 pause $1, $(($(date +%s) - t0)) s after start; host view:"
	sed 's/^/  /' $d/debugfs"$1"
	ok "L2 reaches pause $1"
}
paused=0
at_pause 1 && at_pause 2 && at_pause 3 && paused=1
st=0
l2_wait_exit "$TMO" || st=$?
echo "lab: L2 ran $(($(date +%s) - t0)) s (L1 clock), QEMU exit status $st"
l2_clean $d/console >$d/l2
dmesg >$d/dmesg
echo "--- L2 console"
grep -av '^L2-JSON\|^L2-CMD ' $d/l2
echo "---"
expect "QEMU exits with status 0 after L2's reboot -f" "$st" -eq 0
expect "L2's job ends with status 0" -n "$(grep -a '^L2-JOB-STATUS: 0$' $d/l2)"
[ $paused -eq 1 ] || { echo "$pass passed, $fail failed"; exit 1; }

# ---- parsing ----
hex() { printf '%d' "$1"; }
# shellcheck disable=SC2046 # three words, split on purpose
set -- $(sed -n 's/^L2-REASONS cpuid=\([0-9a-fx]*\) io=\([0-9a-fx]*\) undefined=\([0-9a-fx]*\)$/\1 \2 \3/p' $d/l2)
R_CPUID=$(hex "$1") R_IO=$(hex "$2") R_UNDEF=$(hex "$3")
# L2's answers and the log lines, as "leaf ecx eax ebx ecx edx" in decimal.
norm() {
	while read -r a b c e f g; do
		echo "$(hex "$a") $(hex "$b") $(hex "$c") $(hex "$e") $(hex "$f") $(hex "$g")"
	done
}
sed -n 's/^L2-CPUID \(0x[0-9a-f]*\) \(0x[0-9a-f]*\): eax=\(0x[0-9a-f]*\) ebx=\(0x[0-9a-f]*\) ecx=\(0x[0-9a-f]*\) edx=\(0x[0-9a-f]*\)$/\1 \2 \3 \4 \5 \6/p' \
	$d/l2 | norm >$d/l2.q
re='.*kvm: vm \([0-9]*\) vcpu \([0-9]*\) cpuid \(0x[0-9a-f]*\) ecx \([0-9a-fx]*\): eax=\([0-9a-fx]*\) ebx=\([0-9a-fx]*\) ecx=\([0-9a-fx]*\) edx=\([0-9a-fx]*\)$'
sed -n "s/$re/\1 \2/p" $d/dmesg | head -n 10 >$d/log.who
sed -n "s/$re/\3 \4 \5 \6 \7 \8/p" $d/dmesg | head -n 10 | norm >$d/log.q
expect "L2 printed 10 cpuid answers" "$(wc -l <$d/l2.q)" -eq 10
expect "the host logged the first 10 queries" "$(wc -l <$d/log.q)" -eq 10
expect "every logged query is from vm $L2_PID (L2's QEMU) vcpu 0" \
	"$(sort -u $d/log.who)" = "$L2_PID 0"

# ---- 1. each answer L2 printed is exactly the host's log line ----
echo "lab: query: L2's cpuid (leaf ecx eax ebx ecx edx) | host log line"
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	a=$(sed -n "${i}p" $d/l2.q)
	b=$(sed -n "${i}p" $d/log.q)
	echo "  $i: $a | $b"
	expect "query $i: L2's cpuid answer equals the host's log line" "$a" = "$b"
done

# q N FIELD: field (1 leaf, 2 ecx, 3 eax, 4 ebx, 5 ecx, 6 edx) of L2's answer N.
q() { sed -n "${1}p" $d/l2.q | cut -d' ' -f"$2"; }
cyc() { echo $(($(q "$1" 4) * 4294967296 + $(q "$1" 5))); }
# The ABI's shape: registers not mentioned are 0.
n1=$(q 1 3) n9=$(q 9 3) n10=$(q 10 3)
expect "0x4FFFFFFD $R_CPUID: eax = CPUID exits > 0, ebx = ecx = edx = 0" \
	"$n1" -gt 0 -a "$(q 1 4)$(q 1 5)$(q 1 6)" = 000
expect "0x4FFFFFFC $R_CPUID: cycles > 0, eax = edx = 0" \
	"$(cyc 2)" -gt 0 -a "$(q 2 3)$(q 2 6)" = 00
expect "0x4FFFFFFD $R_IO: eax = I/O exits > 0, ebx = ecx = edx = 0" \
	"$(q 3 3)" -gt 0 -a "$(q 3 4)$(q 3 5)$(q 3 6)" = 000
expect "0x4FFFFFFC $R_IO: cycles > 0, eax = edx = 0" \
	"$(cyc 4)" -gt 0 -a "$(q 4 3)$(q 4 6)" = 00
expect "0x4FFFFFFF: eax = total exits > CPUID + I/O exits, ebx = ecx = edx = 0" \
	"$(q 5 3)" -gt $(($(q 1 3) + $(q 3 3))) -a "$(q 5 4)$(q 5 5)$(q 5 6)" = 000
expect "0x4FFFFFFE: total cycles > CPUID + I/O cycles, eax = edx = 0" \
	"$(cyc 6)" -gt $(($(cyc 2) + $(cyc 4))) -a "$(q 6 3)$(q 6 6)" = 00
expect "0x4FFFFFFD $R_UNDEF (undefined): 0, 0, 0, 0xffffffff" \
	"$(q 7 3) $(q 7 4) $(q 7 5) $(q 7 6)" = "0 0 0 4294967295"
expect "0x4FFFFFFC $R_UNDEF (undefined): 0, 0, 0, 0xffffffff" \
	"$(q 8 3) $(q 8 4) $(q 8 5) $(q 8 6)" = "0 0 0 4294967295"
# Each run of cpuid is the same program doing the same: the same CPUID exits.
k=$((n10 - n9))
echo "lab: CPUID exits at queries 1, 9, 10: $n1 $n9 $n10 ($k per run of cpuid)"
expect "every run of cpuid costs the same CPUID exits: $n9 - $n1 = 8 x ($n10 - $n9)" \
	"$k" -gt 0 -a $((n9 - n1)) -eq $((8 * k))

# ---- 2. debugfs at pause 1, right after the last query ----
# h N REASON|total FIELD: from debugfs at pause N, 3 = exits, 4 = cycles.
h() { awk -v r="$2" -v f="$3" '$1 == r { print $f; n++ } END { if (!n) print 0 }' $d/debugfs"$1"; }
for p in 1 2 3; do
	expect "pause $p: debugfs does not move while QEMU is stopped" \
		"$(cat $d/debugfs$p)" = "$(cat $d/debugfs$p.again)"
	expect "pause $p: debugfs rows add up to its total" \
		"$(awk 'NR > 1 && $1 != "total" { e += $3; c += $4 } $1 == "total" { t = $3 " " $4 } END { print (e " " c == t) }' $d/debugfs$p)" = 1
done
expect "pause 1: debugfs CPUID exits = the last query's answer ($n10): nothing ran CPUID since" \
	"$(h 1 "$R_CPUID" 3)" -eq "$n10"
expect "pause 1: debugfs CPUID cycles >= the answer of query 2 ($(cyc 2))" \
	"$(h 1 "$R_CPUID" 4)" -ge "$(cyc 2)"
expect "pause 1: debugfs I/O exits > the answer of query 3 ($(q 3 3))" \
	"$(h 1 "$R_IO" 3)" -gt "$(q 3 3)"
expect "pause 1: debugfs I/O cycles >= the answer of query 4 ($(cyc 4))" \
	"$(h 1 "$R_IO" 4)" -ge "$(cyc 4)"
expect "pause 1: debugfs total exits > the answer of query 5 ($(q 5 3))" \
	"$(h 1 total 3)" -gt "$(q 5 3)"
expect "pause 1: debugfs total cycles > the answer of query 6 ($(cyc 6))" \
	"$(h 1 total 4)" -gt "$(cyc 6)"

# ---- 3. exitstat ----
# rows REPORT: "reason exits cycles" per row, then "total exits cycles".
rows() {
	sed -n "s/^$1 //p" $d/l2 | tr '{' '\n' |
		sed -n 's/^"reason":\(-*[0-9]*\),.*"exits":\([0-9]*\),"cycles":\([0-9]*\).*/\1 \2 \3/p
			s/^"exits":\([0-9]*\),"cycles":\([0-9]*\).*/total \1 \2/p'
}
expect "exitstat (table) exits 0" -n "$(grep -a '^L2-EXITSTAT-TABLE-STATUS 0$' $d/l2)"
rows L2-JSON >$d/json
expect "exitstat --json has a CPUID row and a total" \
	"$(awk -v r="$R_CPUID" '$1 == r || $1 == "total" { n++ } END { print n + 0 }' $d/json)" -eq 2
# Every row (and the total) at most what debugfs says a moment later.
echo "lab: exitstat --json (reason exits cycles) | debugfs at pause 2"
behind=0 rows=0
while read -r r e c; do
	he=$(h 2 "$r" 3) hc=$(h 2 "$r" 4)
	echo "  $r $e $c | $he $hc"
	rows=$((rows + 1))
	[ "$e" -le "$he" ] && [ "$c" -le "$hc" ] || behind=$((behind + 1))
done <$d/json
expect "exitstat --json: all $rows rows and the total <= debugfs at pause 2 ($behind ahead)" \
	"$rows" -ge 2 -a "$behind" -eq 0
je=$(awk -v r="$R_CPUID" '$1 == r { print $2 }' $d/json)
# After reading the CPUID count exitstat asks at least the CPUID cycles and
# the two totals, and the other reasons' cycles: debugfs is ahead by that.
expect "exitstat --json CPUID exits ($je) + at least its 3 later queries <= debugfs ($(h 2 "$R_CPUID" 3))" \
	$((je + 3)) -le "$(h 2 "$R_CPUID" 3)"
rows L2-JSON-CPUID >$d/json1
je=$(awk -v r="$R_CPUID" '$1 == r { print $2 }' $d/json1)
jc=$(awk -v r="$R_CPUID" '$1 == r { print $3 }' $d/json1)
jt=$(awk '$1 == "total" { print $2 }' $d/json1)
# exitstat -r cpuid: exits of CPUID, then total exits and its tail (CPUID
# cycles, total cycles, CPUID cycles) - four more CPUID exits, and nothing
# else in L2 runs CPUID.
expect "exitstat -r cpuid: debugfs CPUID exits at pause 3 = $je + 4 exactly" \
	"$(h 3 "$R_CPUID" 3)" -eq $((je + 4))
expect "exitstat -r cpuid: CPUID cycles $jc <= debugfs $(h 3 "$R_CPUID" 4)" \
	"$jc" -gt 0 -a "$jc" -le "$(h 3 "$R_CPUID" 4)"
expect "exitstat -r cpuid: total exits $jt + 1 (the last query) <= debugfs $(h 3 total 3)" \
	$((jt + 1)) -le "$(h 3 total 3)"
expect "exitstat -- true exits with true's status 0" \
	-n "$(grep -a '^L2-CMD-STATUS 0$' $d/l2)"
rows L2-CMD >$d/cmd
ce=$(awk -v r="$R_CPUID" '$1 == r { print $2 }' $d/cmd)
echo "lab: exitstat -- true: $ce CPUID exits (cpuid costs $k a run)"
expect "exitstat -- true reports CPUID exits > 0 (the new process's startup)" "${ce:-0}" -gt 0

# The other modes: the lines between L2-X-BEGIN and L2-X-END, and its status.
part() { sed -n "/^L2-$1-BEGIN\$/,/^L2-$1-END /p" $d/l2 | sed '1d;$d'; }
status() { sed -n "s/^L2-$1-END //p" $d/l2; }
if [ "$vendor" = kvm_amd ]; then
	row="0x072,cpuid" m='kvm_exitstat_exits_total{vendor="svm",scope="vm",reason="0x072",name="cpuid"}'
else
	row="10,CPUID" m='kvm_exitstat_exits_total{vendor="vmx",scope="vm",reason="10",name="CPUID"}'
fi
part CSV >$d/csv
expect "exitstat --csv -r cpuid: exit 0, header, the CPUID row, the total" \
	"$(status CSV)|$(sed -n 1p $d/csv)|$(sed -n 2p $d/csv | cut -d, -f1-2)|$(sed -n 3p $d/csv | cut -d, -f1)|$(wc -l <$d/csv)" = \
	"0|reason,name,exits,cycles,cycles_per_exit,share_pct|$row|total|3"
part PROM >$d/prom
pv=$(awk -v m="$m" '$1 == m { print $2 }' $d/prom)
expect "exitstat --prometheus -r cpuid: exit 0, HELP and TYPE of 4 families, the CPUID sample ($pv) >= the csv's" \
	"$(status PROM)|$(grep -c '^# HELP kvm_exitstat_' $d/prom)|$(grep -c '^# TYPE kvm_exitstat_.* counter$' $d/prom)" = "0|4|4" \
	-a "${pv:-0}" -ge "$(sed -n 2p $d/csv | cut -d, -f3)"
part WATCH >$d/watch
expect "exitstat --csv -w 0.5 -c 2 -r cpuid: exit 0, the interval header, 2 intervals" \
	"$(status WATCH)|$(sed -n 1p $d/watch)|$(grep -c '^[0-9.]*,total,' $d/watch)" = \
	"0|time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit|2"
echo "lab: exitstat --csv -w 0.5 -c 2 -r cpuid, nothing else running CPUID:"
sed 's/^/  /' $d/watch
expect "exitstat -w, nothing else running CPUID: the CPUID row of each interval is 0 exits, 0 cycles" \
	"$(grep -c "^[0-9.]*,$row,0,0,0.0,0.0,\$" $d/watch)" -eq 2
part NOCPUID >$d/nocpuid
echo "lab: exitstat --csv -r cpuid -- nocpuid:"
sed 's/^/  /' $d/nocpuid
expect "exitstat -- nocpuid: exit 0, the CPUID row 0 exits, 0 cycles" \
	"$(status NOCPUID)|$(sed -n 2p $d/nocpuid)" = "0|$row,0,0,,0.00"

# ---- 4. exitstat --host, while L2 was stopped at pause 1 ----
echo "lab: exitstat --host --csv | debugfs at pause 1"
sed 's/^/  /' $d/host.csv
# "reason exits cycles" in decimal: the csv's named rows, debugfs's named ones
awk -F, 'NR > 1 && $1 != "total" { print $1, $3, $4 }' $d/host.csv |
	while read -r r e c; do echo "$(($r)) $e $c"; done | sort >$d/host.rows
awk 'NR > 1 && $2 != "-" { print $1, $3, $4 }' $d/debugfs1 | sort >$d/debugfs1.rows
expect "exitstat --host --csv: exit 0, every named reason's exits and cycles as in debugfs" \
	"$(cat $d/host.csv.rc)|$(cat $d/host.rows)" = "0|$(cat $d/debugfs1.rows)"
ht=$(awk '$1 == "total" { print $3 "," $4 }' $d/debugfs1)
expect "exitstat --host --csv: the total ($ht) as in debugfs" \
	"$(awk -F, '$1 == "total" { print $3 "," $4 }' $d/host.csv)" = "$ht"
jt=$(sed -n 's/.*"total":{"exits":\([0-9]*\),"cycles":\([0-9]*\).*/\1,\2/p' $d/host-name.json)
expect "exitstat --host --vm=l2 (QEMU's -name guest=l2): pid $L2_PID, the total as in debugfs" \
	"$(grep -c "\"pid\":$L2_PID,\"vm\":\"l2\"" $d/host-name.json)|$jt" = "1|$ht"
expect "exitstat --host --vm=$L2_PID: the same report as --vm=l2" \
	"$(cat $d/host-pid.json)" = "$(cat $d/host-name.json)"
sed 's/^/  /' $d/host-vcpu.csv
expect "exitstat --host --by-vcpu: L2's one vCPU, pid $L2_PID, name l2, the VM's total, then the total" \
	"$(sed -n 2p $d/host-vcpu.csv | cut -d, -f1-5)|$(sed -n 3p $d/host-vcpu.csv | cut -d, -f1-5)|$(wc -l <$d/host-vcpu.csv)" = \
	"$L2_PID,l2,0,$ht|total,,,$ht|3"
expect "exitstat --host -w 0.5 -c 1 of a stopped VM: 0 exits, 0 cycles" \
	"$(grep -c '^[0-9.]*,total,,0,0,' $d/host-w.csv)" -eq 1
expect "exitstat --host --debugfs=/nonexistent: exit 2, says the directory is missing" \
	"$(cat $d/host-bad.rc)|$(grep -c '/nonexistent does not exist' $d/host-bad.out)" = "2|1"

# ---- 5. QEMU's query-stats and info stats of L2's vCPU, QMP-stopped at pause 1 ----
echo "lab: QEMU's info stats vcpu (HMP) at pause 1:"
sed 's/^/  /' $d/hmp-stats
# qstat NAME: the values of NAME in query-stats' answer, one per line, in
# slot order.  QEMU 7.2 builds a list by prepending each element, so the
# answer lists slot 0 last (and HMP numbers it [N]): turned round here.
qstat() {
	sed -n "s/.*\"name\": \"$1\", \"value\": \[\([0-9, ]*\)\].*/\1/p" $d/qmp-stats |
		tr ',' '\n' | tr -d ' ' | awk '{ v[NR] = $1 } END { for (i = NR; i > 0; i--) print v[i] }'
}
qstat exitstat_exits_by_slot >$d/qs.exits
qstat exitstat_cycles_by_slot >$d/qs.cycles
expect "query-stats: exitstat_exits_by_slot and exitstat_cycles_by_slot, 174 values each" \
	"$(wc -l <$d/qs.exits) $(wc -l <$d/qs.cycles)" = "174 174"
# "exits cycles" of each slot with exits, in slot order, then the sums: what
# the vCPU's debugfs file lists.
awk 'NR == FNR { e[FNR] = $1; next } { te += e[FNR]; tc += $1 } e[FNR] { print e[FNR], $1 }
	END { print te, tc }' $d/qs.exits $d/qs.cycles >$d/qs.rows
awk 'NR > 1 { print $3, $4 }' $d/qmp-debugfs >$d/qmp-debugfs.rows
expect "query-stats: every slot's exits and cycles, and their sums, as in vCPU 0's debugfs file ($(wc -l <$d/qs.rows) rows)" \
	"$(cat $d/qs.rows)" = "$(cat $d/qmp-debugfs.rows)"
expect "query-stats: CPUID exits (slot $R_CPUID) = L2's last answer ($n10): no CPUID since" \
	"$(sed -n "$((R_CPUID + 1))p" $d/qs.exits)" = "$n10"
expect "query-stats: CPUID exits = debugfs at pause 1 (SIGSTOP) = $(h 1 "$R_CPUID" 3)" \
	"$(sed -n "$((R_CPUID + 1))p" $d/qs.exits)" = "$(h 1 "$R_CPUID" 3)"
hi=$((174 - R_CPUID))
expect "info stats vcpu: both lists; exits [$hi] (slot $R_CPUID, numbered from the end) = $n10" \
	"$(grep -c '^ *exitstat_\(exits\|cycles\)_by_slot' $d/hmp-stats)|$(grep '^ *exitstat_exits_by_slot' $d/hmp-stats | grep -c " \[$hi\]=$n10 ")" = "2|1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
