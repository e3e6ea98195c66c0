#!/bin/sh
# make bench, in L1 (run by the lab initramfs /init after kvm is loaded with
# default parameters): one variant per boot, VARIANT =
#   patched      patched kernel, counting on (also the query and snapshot)
#   off          patched kernel, counting off through the runtime switch
#   stock        stock kernel
#   tracepoints  stock kernel, kvm_exit and kvm_entry tracepoints on, as
#                perf kvm stat and kvm_stat switch them on
# One variant per boot because, under Bochs, the first VM an L1 runs is the
# only one no burst of L1 timer interrupts hits.  Prints one "BENCH ..." line
# (tests/bench/exitstat_bench.c) that lab/bench.sh reads off the serial log;
# lab/bench.sh sets VARIANT, BENCH_N and BENCH_REPS at the top of the copy
# it packs.
. /lab-lib.sh
B=/bin/exitstat_bench
N=${BENCH_N:-20}
REPS=${BENCH_REPS:-201}
TMO=${BENCH_TMO:-120}
P=/sys/module/kvm/parameters
T=/sys/kernel/tracing

bench() {
	timeout "$TMO" "$B" -n "$N" -r "$REPS" "$@"
}

patched() {
	[ -e "$P/exitstat_enable" ] || { echo "bench: kvm.ko has no exitstat_enable: not the patched kernel"; exit 1; }
}

case $VARIANT in
patched)
	patched
	[ "$(cat "$P/exitstat_enable")" = Y ] || { echo "bench: counting is not on"; exit 1; }
	bench -v patched -q -s || exit 1
	;;
off)
	patched
	echo N >"$P/exitstat_enable" || exit 1
	[ "$(cat "$P/exitstat_enable")" = N ] || { echo "bench: exitstat_enable did not turn off"; exit 1; }
	bench -v off || exit 1
	;;
stock)
	[ ! -e "$P/exitstat_enable" ] || { echo "bench: kvm.ko has exitstat_enable: not the stock kernel"; exit 1; }
	bench -v stock || exit 1
	;;
tracepoints)
	[ ! -e "$P/exitstat_enable" ] || { echo "bench: kvm.ko has exitstat_enable: not the stock kernel"; exit 1; }
	mount -t tracefs nodev "$T" || { echo "bench: cannot mount tracefs at $T"; exit 1; }
	for e in kvm_exit kvm_entry; do
		[ -e "$T/events/kvm/$e/enable" ] || { echo "bench: no tracepoint kvm:$e"; exit 1; }
	done
	# A small ring buffer; it wraps around during the run, as it would under
	# a long perf kvm stat session, which does not change the cost per event.
	echo 64 >"$T/buffer_size_kb"
	echo 1 >"$T/events/kvm/kvm_exit/enable"
	echo 1 >"$T/events/kvm/kvm_entry/enable"
	echo 1 >"$T/tracing_on"
	bench -v tracepoints || exit 1
	echo 0 >"$T/events/kvm/kvm_exit/enable"
	echo 0 >"$T/events/kvm/kvm_entry/enable"
	# The tracepoints must really have fired.
	entries=$(cat "$T"/per_cpu/cpu*/stats | awk '/^entries:/ { n += $2 } END { print n + 0 }')
	overrun=$(cat "$T"/per_cpu/cpu*/stats | awk '/^overrun:/ { n += $2 } END { print n + 0 }')
	echo "bench: trace buffer: $entries entries, $overrun overwritten"
	[ "$((entries + overrun))" -gt "$N" ] || { echo "bench: the tracepoints recorded nothing"; exit 1; }
	grep -m2 -e 'kvm_exit:' -e 'kvm_entry:' "$T/trace"
	;;
*)
	echo "bench: unknown variant '$VARIANT'"
	exit 1
	;;
esac
