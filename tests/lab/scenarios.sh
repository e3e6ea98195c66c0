#!/bin/sh
# The lab's end-to-end scenarios, run in L1 by the initramfs /init after it
# has loaded kvm with default parameters.  Each check is its own process of
# exitstat_test (a KVM selftest), so one failure does not hide the others.
# Ends with "N passed, N failed"; exits non-zero if anything failed.
. /lab-lib.sh
T=/bin/exitstat_test
N=${N:-100}
TMO=${TMO:-15}
FLOOD=${FLOOD:-1000000}
LOG=/sys/module/kvm/parameters/exitstat_log
pass=0
fail=0
vendor=$(vendor_module)

check() {
	name=$1
	shift
	echo "--- $name"
	# A hung test must not eat the lab's whole time budget.
	[ "$1" != "$T" ] || set -- timeout "$TMO" "$@"
	if "$@"; then
		pass=$((pass + 1))
		echo "PASS: $name"
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
	fi
}

# The seed's reload: rmmod kvm_intel; rmmod kvm; modprobe kvm; modprobe kvm_intel.
reload() {
	rmmod "$vendor" && rmmod kvm && kvm_load "$@"
}

# Loading kvm.ko with a bad binding must fail, and leave no kvm behind.
bad_binding() {
	if modprobe kvm exitstat_leaves="$1" 2>/dev/null; then
		echo "modprobe kvm exitstat_leaves=$1 succeeded; expected it to be refused"
		rmmod kvm
		return 1
	fi
	# kvm.ko has said why on the console; it must not be loaded now.
	! grep -q '^kvm ' /proc/modules
}

# 1. Default load: per-VM scope, the seed's leaf numbers.
check "first query after load sees only itself" $T -n "$N" -f first
for t in discovery binding cpuid io io_user msr hlt hlt_irq cycles undefined unhandled isolation smp off; do
	check "$t (per-VM scope)" $T -n "$N" "$t"
done

check "debugfs: the host's files show what the guest read" $T -n "$N" debugfs
check "binary stats: the vCPU's stats fd holds what debugfs shows" $T -n "$N" stats

# 2. The seed's reload flow, into global scope: counters start from zero.
check "reload: rmmod $vendor; rmmod kvm; modprobe kvm exitstat_global=1; modprobe $vendor" \
	reload exitstat_global=1
check "first query after reload sees only itself (global)" $T -n "$N" -g -f first
for t in discovery isolation smp; do
	check "$t (global scope)" $T -n "$N" -g "$t"
done

# 3. Another semester's leaf numbers: the functions move with the binding.
leaves=0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffff
check "reload with exitstat_leaves=$leaves" reload exitstat_leaves=$leaves
for t in discovery binding cpuid cycles undefined; do
	check "$t (rebound)" $T -n "$N" -b "$leaves" "$t"
done
# ... and to leaves outside the default four.
leaves=0x4ffffff8,0x4ffffff9,0x4ffffffa,0x4ffffffb
check "reload with exitstat_leaves=$leaves" reload exitstat_leaves=$leaves
for t in discovery binding io; do
	check "$t (rebound)" $T -n "$N" -b "$leaves" "$t"
done

# 4. Bad bindings are refused at load time.
check "rmmod $vendor; rmmod kvm" eval "rmmod $vendor && rmmod kvm"
for bad in 0x40000000,0x4ffffffe,0x4ffffffd,0x4ffffffc \
	   0x4fffffff,0x4fffffff,0x4ffffffd,0x4ffffffc \
	   0x4ffffff0,0x4ffffffe,0x4ffffffd,0x4ffffffc 0x4fffffff,0x4ffffffe; do
	check "modprobe kvm exitstat_leaves=$bad is refused" bad_binding "$bad"
done

# 5. Back to defaults after all that.
check "load with defaults again" kvm_load
check "first query after the last load sees only itself" $T -n "$N" -f first
check "cpuid after the last load" $T -n "$N" cpuid

# 5b. make modules-install's reload (hardware/reload-kvm.sh): refused while
#     a program holds /dev/kvm - this shell here - and done once it lets go.
reload_refused_while_held() {
	exec 3</dev/kvm
	out=$(reload-kvm.sh 2>&1)
	rc=$?
	exec 3<&-
	echo "$out"
	[ $rc -eq 1 ] || { echo "reload-kvm.sh exited $rc; expected 1 (KVM in use)"; return 1; }
	case $out in
	"reload-kvm: $vendor is in use (1 references): stop the VMs first; KVM is held by: $$ (sh)") ;;
	*) echo "expected: 'reload-kvm: $vendor is in use (1 references): stop the VMs first; KVM is held by: $$ (sh)'"; return 1 ;;
	esac
	grep -q "^$vendor " /proc/modules || { echo "$vendor was unloaded anyway"; return 1; }
}
check "reload-kvm.sh refuses while /dev/kvm is open" reload_refused_while_held
reload_when_free() {
	out=$(reload-kvm.sh 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	[ "$out" = "reload-kvm: reloaded kvm and $vendor: kvm-exitstat, exitstat_enable=Y" ]
}
check "reload-kvm.sh reloads once nothing holds KVM" reload_when_free
check "first query after reload-kvm.sh sees only itself" $T -n "$N" -f first

# 6. A flood of queries with the host's query log on: the counts stay
#    exact and the log stays within printk's rate limit (10 lines / 5 s).
log_within_limit() {
	lines=$(dmesg | grep -c ' cpuid 0x4')
	# whole seconds: the flood may have lasted up to $1 + 1 s
	limit=$((10 * (($1 + 1) / 5 + 1)))
	echo "$lines log lines in $1 s (limit $limit)"
	[ "$lines" -gt 0 ] && [ "$lines" -le "$limit" ]
}
echo 1 > $LOG
t0=$(date +%s)
TMO=600
check "flood: $FLOOD random queries, counts exact" $T -n "$FLOOD" flood
TMO=15
check "flood: query log within the rate limit" log_within_limit $(($(date +%s) - t0))
echo 0 > $LOG

# 7. 20 reload cycles with VMs in between; once the VMs are gone no vCPU
#    may still hold counters (the global host file counts them).
reload_cycles() {
	i=1
	while [ $i -le 20 ]; do
		reload && $T -n 10 cpuid > /dev/null && $T -n 10 smp > /dev/null ||
			{ echo "cycle $i failed"; return 1; }
		left=$(sed -n 's/^vcpus //p' /sys/kernel/debug/kvm/exitstat)
		[ "$left" = 0 ] || { echo "cycle $i: $left vCPU counter blocks left"; return 1; }
		i=$((i + 1))
	done
	echo "20 cycles, no counter block left"
}
check "20 reload cycles with VMs in between" reload_cycles

# Whatever a guest did, the host kernel must not have complained.
# From the start of /init on: the kernel's own boot before it is not ours
# (kvm is a module /init loads), and Debian's kernel warns at boot about
# Bochs' CPU model (RETBleed, XSAVE sizes).
no_kernel_complaint() {
	! dmesg | sed -n '/Run \/init as init process/,$p' |
		grep -E 'WARNING:|BUG:|Oops|soft lockup|Call Trace|general protection'
}
check "no warning, oops or lockup in the kernel log" no_kernel_complaint

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
