#!/usr/bin/env bash
# CONFIG_KVM_EXITSTAT=n: the hooks applied, the option off, must be KVM as
# if kvm-exitstat did not exist.  Checked with KVM's three modules rebuilt
# that way (out of tree, against the lab kernel, as hardware/ builds them)
# beside the stock ones (the same source without the hooks): the option
# changes only what those modules contain, and with KVM as modules nothing
# built into the kernel uses struct kvm_vcpu (the hooks put our field last
# even so), which is also why make check may compare the stock KVM on the
# lab's kernel at all.
#  - they build with no warning (build-modules.sh fails on any);
#  - nothing of ours is in them: no exitstat symbol, no exitstat_ module
#    parameter (and the lab's own kvm.ko has both, so the check can fail);
#  - their code is the stock KVM's: each module's text, data and bss are
#    of the same size, and the exit path's functions (the vendors' run
#    loops, kvm_arch_vcpu_ioctl_run, into which gcc inlines
#    vcpu_enter_guest, and kvm_cpuid) disassemble to the same
#    instructions, addresses aside, and so do the vendors' init_module,
#    which passes kvm_init() the vCPU's size: no byte more per vCPU;
#  - booted in L1 on AMD, KVM's quick selftests end exactly as with the
#    stock KVM (OURS=off lab/selftests.sh).
# usage: tests/lab/compiled-out.sh      (KTREE: the built lab kernel tree)
# Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
stock=$EXITSTAT_CACHE/modules-stock-lab-$KVER
off=$EXITSTAT_CACHE/modules-off-lab-$KVER
ours=$KTREE/arch/x86/kvm
. "$TOP/tests/check-lib.sh"

KDIR=$KTREE OUT=$off EXITSTAT=n "$TOP/hardware/build-modules.sh" || { echo "0 passed, 1 failed"; exit 1; }
[ -f "$stock/kvm.ko" ] || KDIR=$KTREE OUT=$stock STOCK_KVM=1 "$TOP/hardware/build-modules.sh" >/dev/null

mods=(kvm kvm-intel kvm-amd)
has_ours() {	# has_ours DIR: any module there with a symbol or parameter of ours
	local m
	for m in "${mods[@]}"; do
		nm "$1/$m.ko" | grep -q exitstat && return 0
		modinfo -p "$1/$m.ko" | grep -q '^exitstat_' && return 0
	done
	return 1
}
check "the lab's own modules have kvm-exitstat's symbols and parameters" has_ours "$ours"
check "CONFIG_KVM_EXITSTAT=n: no exitstat symbol or parameter in ${mods[*]}" eval '! has_ours "$off"'

sections() { size -A "$1" | awk '$1 ~ /^\.(text|data|bss)$/ { print $1, $2 }'; }
for m in "${mods[@]}"; do
	check "$m.ko: text, data and bss as stock's ($(sections "$off/$m.ko" | tr '\n' ' '))" \
		cmp -s <(sections "$stock/$m.ko") <(sections "$off/$m.ko")
done

# A function's instructions, without addresses and relocation targets.
insns() {	# insns MODULE FUNCTION
	objdump -d --no-show-raw-insn --disassemble="$2" "$1" |
		awk -F'\t' '/^ +[0-9a-f]+:/ { print $2 }' | sed -E 's/[0-9a-f]+ <[^>]*>/ADDR/g'
}
# (The vendors' init_module passes kvm_init() the size of their vCPU, an
# immediate: the same instructions are the same struct kvm_vcpu.)
for f in kvm-intel:vmx_vcpu_run kvm-amd:svm_vcpu_run kvm:kvm_arch_vcpu_ioctl_run kvm:kvm_cpuid \
	kvm-intel:init_module kvm-amd:init_module; do
	m=${f%%:*} fn=${f#*:}
	n=$(insns "$stock/$m.ko" "$fn" | wc -l)
	check "$fn ($m.ko): the stock KVM's $n instructions" \
		eval '[ "$n" -gt 0 ] && cmp -s <(insns "$stock/$m.ko" "$fn") <(insns "$off/$m.ko" "$fn")'
done

log=$(mktemp)
OURS=off "$TOP/lab/selftests.sh" amd quick >"$log" 2>&1
rc=$?
sed '$d' "$log"
check "KVM's quick selftests on AMD: the same outcome with CONFIG_KVM_EXITSTAT=n as with the stock KVM ($(tail -n 1 "$log"))" \
	[ "$rc" -eq 0 ]
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
