#!/usr/bin/env bash
# Checks docs/report/ as `make report` leaves it: each timeline CSV's shape
# (header, fields, monotone time, cumulative counters that never go down,
# rows that add up to the total, all phases in order), that the figures the
# README quotes (totals, the per-reason tables) are the CSV's, and that the
# plots it embeds exist.  Recomputes everything independently of
# lab/report-doc.sh.  Last line: "N passed, N failed".
# usage: tests/report/check.sh [DIR]       (default docs/report)
set -uo pipefail
dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)/docs/report}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() {	# check NAME COMMAND...: passes if COMMAND succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
phases="boot idle cpu console tmpfs fork shutdown"
readme=$dir/README.md
commas() { echo "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }

# The busybox guest's (timeline-<vendor>.csv) and the Debian cloud guest's
# (cloud-timeline-<vendor>.csv) profiles.
csvs=$(ls "$dir"/timeline-*.csv "$dir"/cloud-timeline-*.csv 2>/dev/null)
check "there is at least one timeline CSV in $dir" test -n "$csvs"
check "README.md exists" test -s "$readme"
for csv in $csvs; do
	v=$(basename "$csv" .csv)
	v=${v/timeline-/}	# amd, intel, cloud-amd, cloud-intel
	check "$v: header is time_s,phase,reason,name,exits,cycles" \
		test "$(head -n 1 "$csv")" = "time_s,phase,reason,name,exits,cycles"
	# One pass; prints "problem: ..." lines, then the figures as key=value.
	out=$(awk -F, -v want="$phases" '
		NR == 1 { next }
		NF != 6 { print "problem: line " NR " has " NF " fields"; next }
		$1 !~ /^[0-9]+(\.[0-9]+)?$/ || $5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ {
			print "problem: line " NR " is not numeric where it should be"; next }
		{
			if ($1 + 0 < t + 0) print "problem: line " NR ": time goes back"
			if ($3 in e && ($5 + 0 < e[$3] + 0 || $6 + 0 < c[$3] + 0))
				print "problem: line " NR ": reason " $3 " went down"
			if (open && $1 != st) print "problem: line " NR ": sample " st " has no total row"
			if (!open) { st = $1; open = 1 }
			if (!($2 in seen)) { seen[$2] = 1; order = order (order == "" ? "" : " ") $2 }
			t = $1; e[$3] = $5; c[$3] = $6
			if ($3 != "total") { name[$3] = $4; next }
			open = 0; n++
			se = 0; sc = 0
			for (r in e) if (r != "total") { se += e[r]; sc += c[r] }
			if (se != $5 || sc != $6)
				print "problem: line " NR ": the reasons add up to " se "/" sc ", the total is " $5 "/" $6
			if ($2 == "boot") { be = $5; bc = $6; for (r in e) b[r] = e[r] }
			re = $5; rc = $6
		}
		END {
			if (open) print "problem: the last sample has no total row"
			if (order != want) print "problem: phases in order: \"" order "\", not \"" want "\""
			printf "samples=%d\nboot_exits=%.0f\nboot_cycles=%.0f\nrun_exits=%.0f\nrun_cycles=%.0f\n", n, be, bc, re, rc
			for (r in name) printf "reason=%s\t%s\t%.0f\t%.0f\n", r, name[r], b[r], e[r]
		}' "$csv")
	problems=$(grep '^problem: ' <<<"$out")
	[ -z "$problems" ] || echo "$problems" | head -n 5
	check "$v: fields numeric, time monotone, counters non-decreasing, rows add up to the total" \
		test -z "$(grep -v 'phases in order' <<<"$problems")"
	check "$v: all phases, in order: $phases" test -z "$(grep 'phases in order' <<<"$problems")"
	f() { sed -n "s/^$1=//p" <<<"$out"; }
	check "$v: more than 10 samples" test "$(f samples)" -gt 10
	check "$v: boot exits > 0 and the whole run has more" \
		test "$(f boot_exits)" -gt 0 -a "$(f run_exits)" -gt "$(f boot_exits)"

	# ---- the README quotes the CSV ----
	row="| $v | $(commas "$(f boot_exits)") | $(commas "$(f boot_cycles)") | $(commas "$(f run_exits)") | $(commas "$(f run_cycles)") |"
	check "$v: README's totals row is the CSV's: $row" grep -qF -- "$row" "$readme"
	# This vendor's section: from its "## " heading to the next.
	title=$([ "${v#cloud-}" = amd ] && echo "AMD SVM" || echo "Intel VMX")
	[ "${v#cloud-}" = "$v" ] || title="The Debian cloud guest, $title"
	sect=$(awk -v t="## $title" 'index($0, t) == 1 { on = 1; print; next } /^## / { on = 0 } on' "$readme")
	check "$v: README has a section \"## $title…\"" test -n "$sect"
	check "$v: README says a full boot entails $(commas "$(f boot_exits)") exits" \
		grep -qF "entails $(commas "$(f boot_exits)") exits" <<<"$sect"
	check "$v: README gives the whole run's $(commas "$(f run_exits)") exits" \
		grep -qF "$(commas "$(f run_exits)") exits." <<<"$sect"
	missing=0 n=0
	while IFS=$'\t' read -r r name be re; do
		n=$((n + 1))
		if [ "${v#cloud-}" = amd ]; then
			if [ "$r" -ge 2147483648 ]; then code=$((r - 4294967296)); else code=$(printf '0x%03x' "$r"); fi
		else
			code=$r
		fi
		line="| $name ($code) | $(commas "$be") | $(commas "$re") |"
		grep -qF -- "$line" <<<"$sect" || { missing=$((missing + 1)); echo "  not in README: $line"; }
	done < <(sed -n 's/^reason=//p' <<<"$out")
	check "$v: README's table has all $n reasons with the CSV's boot and whole-run exits" test "$missing" -eq 0
	for p in cumulative rate phases top; do
		check "$v: $p-$v.png and .svg exist, and the README embeds the PNG" \
			test -s "$dir/$p-$v.png" -a -s "$dir/$p-$v.svg" -a -n "$(grep -F "($p-$v.png)" "$readme")"
	done
done
check "README states the commit and the date it came from" \
	grep -qE 'from commit `[0-9a-f]{7,}`.* on [0-9]{4}-[0-9]{2}-[0-9]{2}' "$readme"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
