#!/usr/bin/env bash
# `make selftests`: KVM's own selftests of the same Debian tree, run in L1
# with the stock KVM modules and with ours (same kernel, same config, same
# test binaries); the outcome of every test - pass, skip, fail or timeout -
# must be the same.
# usage: lab/selftests.sh amd|intel [all|quick]    (last line: N passed, N failed)
set -euo pipefail
. "$(dirname "$0")/env.sh"

vendor=${1:?usage: $0 amd|intel [all|quick]}
set=${2:-all}
out=$LABDIR/selftests-$vendor
sel=$KTREE/tools/testing/selftests/kvm
mkdir -p "$out/bin"

# Tests that finish in seconds even under Bochs: the Intel set for make check.
# Not sync_regs_test: in 6.12 it races two threads for 3 x 2 s of L1's
# clock, which Bochs takes about 10 minutes to get through.
quick="cpuid_test set_sregs_test debug_regs userspace_io_test
platform_info_test userspace_msr_exit_test kvm_binary_stats_test
set_memory_region_test get_msr_index_features"

# Building the whole suite fails on some tests in 6.1 (dirty_log_test):
# -k builds what builds; the tests that did not build are listed.
echo "selftests: building KVM selftests (static) in $sel"
make -k -C "$sel" -j"$(nproc)" EXTRA_CFLAGS=-static > "$out/build.log" 2>&1 || true
names=()
for t in $(make -C "$sel" -s -f - <<<'include Makefile
print: ; @echo $(TEST_GEN_PROGS_x86_64)' print 2>/dev/null); do
	n=$(basename "$t")
	[ "$set" = all ] || grep -qw "$n" <<<"$quick" || continue
	if [ -x "$sel/$t" ]; then
		cp "$sel/$t" "$out/bin/$n" && strip "$out/bin/$n" && names+=("$n")
	else
		echo "selftests: $t did not build (see $out/build.log)"
	fi
done
echo "selftests: ${#names[@]} tests"

# In L1: every test under a time limit; one line per test.
cat > "$out/scenario.sh" <<EOS
#!/bin/sh
for t in ${names[*]}; do
	timeout \${ST_TMO:-60} /bin/\$t > /tmp/\$t.log 2>&1
	rc=\$?
	case \$rc in 0) r=pass ;; 4) r=skip ;; 124|137|143) r=timeout ;; *) r=fail ;; esac
	echo "SELFTEST \$t \$r"
done
EOS

run() {	# run LABEL [KVM-MODULES-DIR]: results in $out/LABEL.txt
	local label=$1 log=$out/serial-$1.log
	KVM_MODULES=${2:-} "$TOP/lab/initramfs.sh" "$out/initrd-$label.gz" "$out/scenario.sh" \
		"${names[@]/#/$out/bin/}" > /dev/null
	echo "selftests: running with $label KVM ($vendor)"
	"$TOP/lab/boot.sh" "$vendor" "$KTREE/arch/x86/boot/bzImage" "$out/initrd-$label.gz" \
		"$log" 3600 > /dev/null || true
	grep -a '^SELFTEST ' "$log" | tr -d '\r' | awk '{print $2, $3}' > "$out/$label.txt"
}

# Stock KVM: the same source's kvm modules without the hooks, built out of
# tree against this very kernel, so that the two runs differ in KVM only.
stock=$EXITSTAT_CACHE/modules-stock-lab-$KVER
KDIR=$KTREE OUT=$stock STOCK_KVM=1 "$TOP/hardware/build-modules.sh" > /dev/null
run stock "$stock"
run patched

pass=0 fail=0
printf '%-40s %-8s %s\n' test stock patched
for n in "${names[@]}"; do
	s=$(awk -v n="$n" '$1 == n {print $2}' "$out/stock.txt")
	p=$(awk -v n="$n" '$1 == n {print $2}' "$out/patched.txt")
	printf '%-40s %-8s %s\n' "$n" "${s:-missing}" "${p:-missing}"
	if [ -n "$s" ] && [ "$s" = "$p" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
for label in stock patched; do
	echo "selftests: $label ($vendor, linux $KVER):" \
		"$(awk '{c[$2]++} END {printf "%d pass, %d skip, %d fail, %d timeout", c["pass"], c["skip"], c["fail"], c["timeout"]}' "$out/$label.txt")"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
