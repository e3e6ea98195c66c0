#!/usr/bin/env bash
# `make check`: every test stage, for every kernel in KVERS (default: KVER),
# run side by side where stages share nothing, one more at a time than the
# machine has CPUs: the emulators are single-threaded, but the stages also
# wait for the archive, the disk and a build's serial steps (two at a time
# left a 2-core machine's CPUs a quarter idle in a whole run).  A stage
# starts when the stages it needs have passed, by the priority given below.
# The stages that use no kernel (unit tests, fuzz, report) run once, however
# many kernels KVERS names.  Each stage writes its own log, printed whole
# when the stage ends with a line "=== NAME: N passed, N failed, T s".  The end is
# a table of every stage's wall time and the line "N passed, N failed":
# cmocka tests and lab scenarios count one each, other stages one each.
#   KVERS="6.1 6.12 7.3"  kernels to check (CI checks these)
#   JOBS=N            stages at once (default: the number of CPUs, plus one)
# Exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
kvers=${KVERS:-${KVER:-6.1}}
max=${JOBS:-$(($(nproc) + 1))}
logs=$(. lab/env.sh && echo "$EXITSTAT_CACHE")/check
rm -rf "$logs" && mkdir -p "$logs"
start=$SECONDS

ids=()
declare -A title needs kver cmd prio state pid t0 dt nok nfail
job() {	# job PRIORITY ID KVER|- NEEDS TITLE COMMAND...: declare a stage
	local id=$2
	ids+=("$id")
	prio[$id]=$1 kver[$id]=$3 needs[$id]=$4 title[$id]=$5 state[$id]=waiting
	shift 5
	cmd[$id]=$(printf '%q ' "$@")
}

# Of the stages that may start, the lowest PRIORITY starts first: the
# kernel builds, then the long emulator stages of every kernel, so that no
# long one is left to run alone at the end.
job 0 unit - "" "unit tests" make --no-print-directory unit
job 0 fuzz - "" "fuzz (libFuzzer, 300000 inputs, seed 1)" make --no-print-directory fuzz-smoke
job 0 report - "" "report: docs/report CSVs and the figures its README quotes" tests/report/check.sh
job 0 tool - "" "exitstat: dynamic and static build" make --no-print-directory build/exitstat build/exitstat-static
job 0 repro - "" "exitstat-static: the same file whichever directory builds it" tests/tool/reproducible.sh
job 0 man - "" "man pages: groff -man -ww -z, not one warning" tests/tool/man.sh
job 0 deb - "" "make deb: the DKMS package, by dpkg-buildpackage" make --no-print-directory deb
for k in $kvers; do
	job 1 "build-$k" "$k" "" "kernel build (linux-$k)" lab/build-kernel.sh
	# Everything that is built inside the tree's selftests directory, once,
	# before the stages that boot what it built.
	job 2 "stbuild-$k" "$k" "build-$k" "KVM selftests and stock KVM build (linux-$k)" \
		lab/selftests.sh build
	# Every KVM selftest once per KVM on AMD: the generic ones on the
	# instruction clock, the x86 ones on the host's clock, where timekeeping
	# is real: KVM's clock tests there compare what the guest reads with the
	# host's clocks, and tests bound by time end instead of timing out.
	job 3 "st-amd-$k" "$k" "stbuild-$k" "KVM selftests on AMD (generic): stock KVM vs ours (linux-$k)" \
		lab/selftests.sh amd generic
	job 3 "st-amd-host-$k" "$k" "stbuild-$k" \
		"KVM selftests on AMD (x86), L1 on the host's clock: stock KVM vs ours (linux-$k)" \
		lab/selftests.sh amd x86 host
	# The seed's whole flow on Debian's parts (make deb-check, AMD): the
	# package installed in a Debian root, DKMS's build, that root booted as
	# L1 with Debian's kernel, the seed's reload, and the cloud guest
	# launched there by Debian's QEMU, to cloud-init's final stage.  It
	# builds exitstat_test in the tree, so after the selftests' build.
	job 3 "deb-check-$k" "$k" "stbuild-$k deb tool" \
		"deb-check: DKMS package in a Debian root, booted as L1 on AMD, cloud guest (linux-$k)" \
		tests/deb/check.sh
	# Under Bochs only the quick set fits; make selftests VENDOR=intel runs
	# them all.
	job 4 "st-intel-$k" "$k" "stbuild-$k" "KVM selftests on Intel (quick set): stock KVM vs ours (linux-$k)" \
		lab/selftests.sh intel quick
	job 5 "lab-intel-$k" "$k" "stbuild-$k" "lab: Intel VMX under Bochs (linux-$k)" \
		lab/run-scenarios.sh intel
	# Real hardware's path: the modules built out of tree, against the lab
	# tree (then run in the lab) and against Debian's headers.
	job 6 "hw-$k" "$k" "stbuild-$k" "hardware: out-of-tree modules, Debian's headers, install (linux-$k)" \
		tests/hardware/check.sh
	job 7 "lab-amd-$k" "$k" "stbuild-$k" "lab: AMD SVM under QEMU TCG (linux-$k)" \
		lab/run-scenarios.sh amd
	# The hooks with CONFIG_KVM_EXITSTAT off: KVM's modules rebuilt so,
	# the stock KVM's code and selftest outcomes.
	job 7 "off-$k" "$k" "stbuild-$k" "compiled out: CONFIG_KVM_EXITSTAT=n is the stock KVM (linux-$k)" \
		tests/lab/compiled-out.sh
	# The same scenarios on Debian's own kernel binary, with our modules
	# built against its headers (as hardware/ builds them).
	job 7 "lab-deb-$k" "$k" "stbuild-$k" "lab: Debian's own kernel as L1, AMD SVM under QEMU TCG (linux-$k)" \
		env L1_KERNEL=debian lab/run-scenarios.sh amd
	# A real Linux guest (L2) in L1: Debian's cpuid and exitstat vs the host
	# side.  On AMD only: under Bochs it takes minutes (make demo).
	job 8 "guest-$k" "$k" "build-$k tool" "lab: L2 Linux guest on AMD, cpuid and exitstat vs host (linux-$k)" \
		lab/run-guest.sh amd
	# What the guest printed as Prometheus text, by Prometheus's validator.
	job 8 "prom-$k" "$k" "guest-$k" "promtool check metrics: exitstat --prometheus from the L2 guest (linux-$k)" \
		tests/lab/promtool.sh amd
	job 9 "checkpatch-$k" "$k" "build-$k" "checkpatch --strict (linux-$k)" lab/checkpatch.sh
done
# Every kernel series Debian's archive has: those not in KVERS have their
# hooks applied and KVM compiled, or are reported as having none.  Late:
# it fills a core while the long emulator stages end.
job 9 archive - "" "Debian's kernel series: hooks applied and KVM compiled, or none (archive)" \
	env FULL_KVERS="$kvers" lab/archive-kernels.sh
# What lab/boot.sh does with an L1 that never ends: its kernel is no matter.
k=${kvers%% *}
job 4 watchdog "$k" "build-$k" "lab: boot.sh's watchdog, a stall and a timeout, AMD (linux-$k)" tests/lab/watchdog.sh
# make deb-check makes a root file system and chroots into it, and the
# archive stage installs Debian's kernel sources: as another user these
# stages are skipped, and the table and the last line say so.
skipped=0
if [ "$(id -u)" -ne 0 ]; then
	for id in "${ids[@]}"; do
		[[ $id == deb-check-* || $id == archive ]] || continue
		state[$id]=skipped nok[$id]=0 nfail[$id]=0 dt[$id]=0 t0[$id]=0 skipped=$((skipped + 1))
		title[$id]="${title[$id]}: SKIPPED, needs root"
		echo "=== ${title[$id]} (apt-get, mmdebstrap, chroot; sudo make check runs it)"
	done
fi
# sort -s keeps the order of declaration among equals.
mapfile -t order < <(for id in "${ids[@]}"; do echo "${prio[$id]} $id"; done | sort -s -n -k1,1 | cut -d' ' -f2)

now() { echo $((SECONDS - start)); }

launch() {	# launch ID: run the stage in the background, output to its log
	local id=$1
	state[$id]=running t0[$id]=$(now)
	printf '[%5d s] start: %s\n' "${t0[$id]}" "${title[$id]}"
	(
		[ "${kver[$id]}" = - ] || export KVER=${kver[$id]}
		eval "${cmd[$id]}"
	) </dev/null >"$logs/$id.log" 2>&1 &
	pid[$id]=$!
}

count() {	# count ID RC: how many passed and failed, from its log
	local id=$1 rc=$2 log=$logs/$1.log ok fail summary
	ok=$(grep -c '^\[       OK \]' "$log")
	fail=$(grep -c '^\[  FAILED  \] test' "$log")
	if summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1); then
		ok=$((ok + ${summary%% passed*}))
		fail=$((fail + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")))
	fi
	if [ "$ok" -eq 0 ] && [ "$fail" -eq 0 ]; then
		[ "$rc" -eq 0 ] && ok=1 || fail=1
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1		# it died without saying what failed
	fi
	nok[$id]=$ok nfail[$id]=$fail
}

finish() {	# finish ID RC
	local id=$1 rc=$2
	dt[$id]=$(($(now) - t0[$id]))
	count "$id" "$rc"
	[ "$rc" -eq 0 ] && state[$id]=passed || state[$id]=failed
	echo "=== ${title[$id]}"
	cat "$logs/$id.log"
	echo "=== ${title[$id]}: ${nok[$id]} passed, ${nfail[$id]} failed, ${dt[$id]} s"
}

# ready ID: 0 if it can start, 1 if it must wait, 2 if a stage it needs failed.
ready() {
	local n
	for n in ${needs[$1]}; do
		case ${state[$n]} in
		passed) ;;
		failed | "not run") return 2 ;;
		*) return 1 ;;
		esac
	done
}

# Stopped early: stop the stages too (boot.sh then stops its emulator).
trap 'trap - INT TERM; kill 0; exit 130' INT TERM
running=0
while :; do
	progress=1
	while [ "$progress" -eq 1 ]; do
		progress=0
		for id in "${order[@]}"; do
			[ "${state[$id]}" = waiting ] || continue
			ready "$id"
			case $? in
			0) [ "$running" -lt "$max" ] || continue
			   launch "$id"; running=$((running + 1)) progress=1 ;;
			2) state[$id]="not run" nok[$id]=0 nfail[$id]=1 dt[$id]=0 t0[$id]=$(now) progress=1
			   echo "=== ${title[$id]}: not run, a stage it needs failed: 0 passed, 1 failed" ;;
			esac
		done
	done
	[ "$running" -gt 0 ] || break
	done_pid=
	wait -n -p done_pid
	rc=$?
	for id in "${ids[@]}"; do
		if [ "${state[$id]}" = running ] && [ "${pid[$id]}" = "$done_pid" ]; then
			finish "$id" "$rc"
			running=$((running - 1))
		fi
	done
done

passed=0 failed=0
echo
printf '%-90s %6s %6s %6s %6s\n' "stage (make check, $max at a time)" start wall passed failed
for id in "${ids[@]}"; do
	printf '%-90s %6s %6s %6s %6s\n' "${title[$id]}" "${t0[$id]}" "${dt[$id]}" "${nok[$id]}" "${nfail[$id]}"
	passed=$((passed + nok[$id])) failed=$((failed + nfail[$id]))
done
echo "make check (linux $kvers) took $(now) s; stage logs in $logs"
[ "$skipped" -eq 0 ] || echo "$skipped stages skipped: they need root (sudo make check runs them)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
