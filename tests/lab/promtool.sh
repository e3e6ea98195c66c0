#!/usr/bin/env bash
# exitstat's Prometheus text as the L2 guest printed it (lab/run-guest.sh,
# tests/lab/guest-l2.sh), checked by Prometheus's own validator, `promtool
# check metrics` from Debian's prometheus package: a snapshot, one -w
# interval and a command's (`exitstat -- true`), each whole; and what
# `exitstat --host --by-vcpu` printed in L1 about L2.
# usage: tests/lab/promtool.sh [amd|intel]   (after lab/run-guest.sh of it)
# Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../../lab/env.sh"
vendor=${1:-amd}
log=$LABDIR/guest/serial-$vendor.log
"$TOP/lab/deps.sh" prometheus || exit 2
[ -s "$log" ] || { echo "promtool: no $log: run lab/run-guest.sh $vendor first" >&2; exit 2; }
echo "promtool: $(promtool --version 2>&1 | head -n 1)"

pass=0 fail=0
for part in L2-PROMALL L2-PROMWATCH L2-PROMCMD L1-HOSTPROM; do
	out=
	text=$(tr -d '\r' <"$log" | sed -n "/^$part-BEGIN\$/,/^$part-END /p" | sed '1d;$d')
	samples=$(grep -c '^kvm_exitstat_' <<<"$text")
	if [ "$samples" -gt 0 ] && out=$(promtool check metrics <<<"$text" 2>&1); then
		pass=$((pass + 1))
		echo "PASS: $part: promtool check metrics accepts its $samples samples"
	else
		fail=$((fail + 1))
		echo "FAIL: $part: $samples samples; promtool says: $out"
		printf '%s\n' "$text" | head -n 20
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
