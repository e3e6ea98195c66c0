#!/usr/bin/env bash
# Draws the plots and writes docs/report/README.md from the timeline CSVs
# that lab/report.sh left in docs/report/.  Every number in the README comes
# from the CSVs (or, for the reasons that never occurred, from the manuals'
# tables in kernel/exitstat_core.[ch] and the names in Linux's vmx.h/svm.h).
# usage: lab/report-doc.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"	# KTREE, TOP
docs=$TOP/docs/report
work=$(mktemp -d)
trap '[ -n "${REPORT_KEEP:-}" ] || rm -rf "$work"' EXIT
command -v gnuplot >/dev/null ||
	{ echo "report-doc: gnuplot missing: apt-get install gnuplot-nox" >&2; exit 1; }

# The busybox guest's profiles (keys amd, intel) and the Debian cloud
# guest's (cloud-amd, cloud-intel; lab/run-cloud.sh), where there are CSVs.
vendors= clouds=
for v in amd intel; do
	[ -f "$docs/timeline-$v.csv" ] && vendors="$vendors $v"
	[ -f "$docs/cloud-timeline-$v.csv" ] && clouds="$clouds cloud-$v"
done
[ -n "$vendors" ] || { echo "report-doc: no $docs/timeline-*.csv: run lab/report.sh" >&2; exit 1; }
csv_of() { case $1 in cloud-*) echo "$docs/cloud-timeline-${1#cloud-}.csv" ;; *) echo "$docs/timeline-$1.csv" ;; esac; }

# ---- the reasons each manual defines, with Linux's names ----
# defined VENDOR: "reason name" for every defined reason (decimal, as the
# debugfs file and the CSV print them).
uapi=$KTREE/arch/x86/include/uapi/asm
[ -f "$uapi/vmx.h" ] || uapi=/usr/include/x86_64-linux-gnu/asm
defined() {
	if [ "$1" = intel ]; then
		# kernel/exitstat_core.c: vmx_defined[] = { { first, last }, ... }
		sed -n '/^static const struct kvm_exitstat_range vmx_defined/,/^};/p' \
			"$TOP/kernel/exitstat_core.c" | sed -n 's/^[[:space:]]*{ *\([0-9]*\), *\([0-9]*\) *},.*/\1 \2/p' |
			while read -r a b; do seq "$a" "$b"; done |
			awk 'NR == FNR { if ($1 == "#define" && $2 ~ /^EXIT_REASON_/ && $3 ~ /^[0-9]+$/)
					n[$3] = substr($2, 13); next }
				{ print $1, ($1 in n ? n[$1] : "-") }' "$uapi/vmx.h" -
	else
		# include/asm/kvm_exitstat_vcpu.h: 0 .. SVM_LOW_LAST, SVM_HIGH_FIRST .. SVM_HIGH_LAST, -2, -1
		local h=$TOP/include/asm/kvm_exitstat_vcpu.h lo hf hl
		lo=$(awk '$2 == "KVM_EXITSTAT_SVM_LOW_LAST" { print $3 }' "$h")
		hf=$(awk '$2 == "KVM_EXITSTAT_SVM_HIGH_FIRST" { print $3 }' "$h")
		hl=$(awk '$2 == "KVM_EXITSTAT_SVM_HIGH_LAST" { print $3 }' "$h")
		{ seq 0 $((lo)); seq $((hf)) $((hl)); echo 4294967294; echo 4294967295; } |
			awk 'function hex(s,  i, v) { s = tolower(substr(s, 3)); v = 0
					for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
					return v }
				NR == FNR { if ($1 == "#define" && $2 ~ /^SVM_EXIT_/ && $3 ~ /^0x[0-9a-fA-F]+$/)
					n[hex($3)] = tolower(substr($2, 10)); next }
				{ r = $1 + 0
				  if (r in n) nm = n[r]
				  else if (r < 16) nm = "read_cr" r
				  else if (r < 32) nm = "write_cr" (r - 16)
				  else if (r < 48) nm = "read_dr" (r - 32)
				  else if (r < 64) nm = "write_dr" (r - 48)
				  else if (r >= 64 && r < 96) nm = "excp_" (r - 64)
				  else if (r == 4294967295) nm = "err"
				  else if (r == 4294967294) nm = "busy"
				  else nm = "-"
				  print $1, nm }' "$uapi/svm.h" -
	fi
}

# ---- analysis of one CSV ----
# Writes into DIR: facts (key=value), reasons.tsv, phases.tsv, phasereason.tsv,
# intervals.tsv, and the gnuplot inputs cum.dat, rate.dat, phases.dat,
# count.dat, cycles.dat, marks.gp.
analyze() {
	local v=$1 csv=$2 dir=$3
	mkdir -p "$dir"
	awk -F, -v dir="$dir" -v vendor="${v#cloud-}" '
	function label(r, nm) {
		if (vendor == "amd")
			return nm " (" (r + 0 >= 2147483648 ? r - 4294967296 : sprintf("0x%03x", r)) ")"
		return nm " (" r ")"
	}
	NR == 1 { next }
	{
		if ($3 != "total" && !($3 in seen)) { seen[$3] = 1; R[++nr] = $3; name[$3] = $4 }
		if ($3 == "total") {
			n++; T[n] = $1; P[n] = $2
			E[n, "total"] = $5; C[n, "total"] = $6
			for (i = 1; i <= nr; i++) { E[n, R[i]] = ce[R[i]] + 0; C[n, R[i]] = cc[R[i]] + 0 }
			if (!(P[n] in pend)) ph[++np] = P[n]
			pend[P[n]] = n
		} else { ce[$3] = $5; cc[$3] = $6 }
	}
	END {
		f = dir "/facts"
		# order of the reasons: by exits over the whole run, then by cycles
		for (i = 1; i <= nr; i++) ord[i] = R[i]
		for (i = 1; i <= nr; i++) for (j = i + 1; j <= nr; j++)
			if (E[n, ord[j]] > E[n, ord[i]] || (E[n, ord[j]] == E[n, ord[i]] && C[n, ord[j]] > C[n, ord[i]])) {
				x = ord[i]; ord[i] = ord[j]; ord[j] = x }
		b = pend["boot"]
		printf "samples=%.0f\nreasons=%.0f\nphases=%.0f\n", n, nr, np > f
		printf "boot_t=%s\nboot_exits=%.0f\nboot_cycles=%.0f\n", T[b], E[b, "total"], C[b, "total"] > f
		printf "run_t=%s\nrun_exits=%.0f\nrun_cycles=%.0f\n", T[n], E[n, "total"], C[n, "total"] > f
		for (i = 1; i <= nr; i++) {
			r = ord[i]
			printf "%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\n", r, name[r], label(r, name[r]),
				E[b, r], C[b, r], E[n, r], C[n, r] > dir "/reasons.tsv"
		}
		# phases: from the end of the previous one (0 for the boot) to their last sample
		prev = 0
		for (k = 1; k <= np; k++) {
			e = pend[ph[k]]
			t0 = prev ? T[prev] : 0
			de = E[e, "total"] - (prev ? E[prev, "total"] : 0)
			dc = C[e, "total"] - (prev ? C[prev, "total"] : 0)
			top = ""; topn = -1
			for (i = 1; i <= nr; i++) {
				r = ord[i]; d = E[e, r] - (prev ? E[prev, r] : 0)
				dcy = C[e, r] - (prev ? C[prev, r] : 0)
				if (d > 0) printf "%s\t%s\t%s\t%.0f\t%.0f\n", ph[k], r, label(r, name[r]), d, dcy > dir "/phasereason.tsv"
				if (d > topn) { topn = d; top = r }
			}
			printf "%.0f\t%s\t%.2f\t%.2f\t%.0f\t%.0f\t%s\t%.0f\n", k, ph[k], t0, T[e], de, dc,
				label(top, name[top]), topn > dir "/phases.tsv"
			pt[k] = t0; pe[k] = e; pp[k] = prev
			prev = e
		}
		# sampling intervals
		sum = 0; sum2 = 0; m = 0; peak = -1
		for (s = 2; s <= n; s++) {
			dt = T[s] - T[s - 1]; d = E[s, "total"] - E[s - 1, "total"]
			if (dt <= 0) continue
			top = ""; topn = -1
			for (i = 1; i <= nr; i++) {
				r = ord[i]; x = E[s, r] - E[s - 1, r]
				if (x > topn) { topn = x; top = r }
			}
			printf "%.2f\t%.2f\t%s\t%.0f\t%.1f\t%s\t%.0f\n", T[s - 1], T[s], P[s], d, d / dt,
				label(top, name[top]), topn > dir "/intervals.tsv"
			printf "%.3f\t%.1f\t%.3f\n", (T[s - 1] + T[s]) / 2, d / dt, 0.9 * dt > dir "/rate.dat"
		}
		# cumulative exits of the top 8 reasons
		for (i = 1; i <= nr && i <= 8; i++) {
			r = ord[i]
			printf "\"%s\"\n", label(r, name[r]) > dir "/cum.dat"
			for (s = 1; s <= n; s++) printf "%s\t%.0f\n", T[s], E[s, r] > dir "/cum.dat"
			printf "\n\n" > dir "/cum.dat"
		}
		printf "ncum=%.0f\n", (nr < 8 ? nr : 8) > f
		# exit rate per phase, stacked by the top 5 reasons and the rest
		hdr = "phase"
		for (i = 1; i <= nr && i <= 5; i++) hdr = hdr "\t\"" label(ord[i], name[ord[i]]) "\""
		print hdr "\t\"all others\"" > dir "/phases.dat"
		for (k = 1; k <= np; k++) {
			e = pe[k]; q = pp[k]; dt = T[e] - pt[k]; if (dt <= 0) dt = 1
			line = ph[k]; rest = E[e, "total"] - (q ? E[q, "total"] : 0)
			for (i = 1; i <= nr && i <= 5; i++) {
				d = E[e, ord[i]] - (q ? E[q, ord[i]] : 0); rest -= d
				line = line "\t" sprintf("%.1f", d / dt)
			}
			print line "\t" sprintf("%.1f", rest / dt) > dir "/phases.dat"
			printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 2 lc rgb \"gray50\"\n", T[e], T[e] > dir "/marks.gp"
			printf "set label \"%s\" at %f, graph 0.97 center font \",9\" tc rgb \"gray30\"\n", ph[k], (pt[k] + T[e]) / 2 > dir "/marks.gp"
		}
		# top 10 by count, top 10 by cycles
		for (i = 1; i <= nr && i <= 10; i++)
			printf "\"%s\"\t%.0f\n", label(ord[i], name[ord[i]]), E[n, ord[i]] > dir "/count.dat"
		for (i = 1; i <= nr; i++) cy[i] = ord[i]
		for (i = 1; i <= nr; i++) for (j = i + 1; j <= nr; j++)
			if (C[n, cy[j]] > C[n, cy[i]]) { x = cy[i]; cy[i] = cy[j]; cy[j] = x }
		for (i = 1; i <= nr && i <= 10; i++)
			printf "\"%s\"\t%.1f\n", label(cy[i], name[cy[i]]), C[n, cy[i]] / 1e6 > dir "/cycles.dat"
	}' "$csv"
}

vtitle() {
	case $1 in
	cloud-*) echo "The Debian cloud guest, $(vtitle "${1#cloud-}" | sed 's/L1 under/L1 = the Debian kernel under/')" ;;
	amd) echo "AMD SVM, L1 under QEMU TCG" ;;
	*) echo "Intel VMX, L1 under Bochs" ;;
	esac
}
for v in $vendors $clouds; do
	analyze "$v" "$(csv_of "$v")" "$work/$v"
	for t in png svg; do
		gnuplot -e "ncum=$(sed -n 's/^ncum=//p' "$work/$v/facts"); dir='$work/$v'; out='$docs'; vendor='$v'; title='$(vtitle "$v")'; fmt='$t'" \
			"$TOP/lab/report-plots.gp"
	done
done

# ---- the README ----
# fact V KEY
fact() { sed -n "s/^$2=//p" "$work/$1/facts"; }
# num N: 1234567 -> 1,234,567
num() { echo "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
# mcyc N: cycles as millions with one decimal
mcyc() { awk -v c="$1" 'BEGIN { printf "%.1f million", c / 1e6 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", b ? 100 * a / b : 0 }'; }

# awk function c(N): 1234567 -> 1,234,567 (N an integer, as a string)
commas='function c(s,  o) { s = s ""; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } return s o }'

q3() {
	local v=$1 d=$work/$1 be bt ni top10 peak peakt peakr mean
	be=$(fact "$v" boot_exits) bt=$(fact "$v" boot_t)
	# boot intervals: share of the busiest tenth, the peak, the mean
	read -r ni top10 peak peakt peakr mean < <(awk -F'\t' -v bt="$bt" -v be="$be" '
		$3 == "boot" { n++; d[n] = $4; r[n] = $5; t[n] = $2; who[n] = $6 }
		END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (d[j] > d[i]) { x = d[i]; d[i] = d[j]; d[j] = x; x = r[i]; r[i] = r[j]; r[j] = x
				x = t[i]; t[i] = t[j]; t[j] = x; x = who[i]; who[i] = who[j]; who[j] = x }
			k = int((n + 9) / 10); s = 0; for (i = 1; i <= k; i++) s += d[i]
			gsub(/ /, "_", who[1])
			printf "%.0f %.0f %.0f %s %s %.0f\n", n, be ? 100 * s / be : 0, r[1], t[1], who[1], (bt > 0 ? be / bt : 0) }' \
		"$d/intervals.tsv")
	peakr=${peakr//_/ }
	if [ "${v#cloud-}" = "$v" ]; then
		echo "**A full boot of the L2 VM** (from QEMU's start to L2's init announcing its shell, $bt s of L1's clock)"
	else
		echo "**A full boot of the cloud guest** (from QEMU's start to cloud-init's final stage starting the user-data's scripts, $bt s of L1's clock)"
	fi
	echo "**entails $(num "$be") exits**, which took $(mcyc "$(fact "$v" boot_cycles)") cycles of L1's TSC to handle."
	echo "The whole run (boot, the workload phases and the shutdown, $(fact "$v" run_t) s) had"
	echo "$(num "$(fact "$v" run_exits)") exits."
	echo
	if [ "$top10" -ge 20 ]; then
		echo "**The exits do not come at a stable rate; they come in bursts.** During the boot, the busiest tenth of the"
	else
		echo "**During the boot the exits come at a fairly stable rate.** The busiest tenth of the"
	fi
	echo "$ni sampling intervals holds $top10% of the boot's exits (a perfectly stable rate would give 10%); the busiest"
	echo "interval, ending at $peakt s, ran at $(num "$peak") exits/s, $(awk -v a="$peak" -v b="$mean" 'BEGIN { printf "%.1f", b ? a / b : 0 }')× the boot's mean of $(num "$mean") exits/s,"
	echo "mostly $peakr. Between the phases the rate differs even more:"
	echo
	echo "| phase | L1 time (s) | exits | exits/s | cycles | the most frequent reason in it |"
	echo "|---|---:|---:|---:|---:|---|"
	awk -F'\t' "$commas"'{ dt = $4 - $3; printf "| %s | %.2f – %.2f | %s | %s | %.1f M | %s: %s (%.0f%%) |\n",
		$2, $3, $4, c($5), c(sprintf("%.0f", dt > 0 ? $5 / dt : 0)), $6 / 1e6, $7, c($8), $5 ? 100 * $8 / $5 : 0 }' "$d/phases.tsv"
	echo
	echo "Where the exits of each phase come from: $(phase_sentence "$v")"
	echo
	echo "![cumulative exits per reason, $v](cumulative-$v.png)"
	echo "![exit rate over time, $v](rate-$v.png)"
	echo "![exit rate per phase, $v](phases-$v.png)"
}

# One sentence per phase: its top two reasons and their shares.
phase_sentence() {
	awk -F'\t' '
		NR == FNR { tot[$2] = $5; if (!($2 in o)) { o[$2] = ++n; nm[n] = $2 } ; next }
		{ x = sprintf("%s %.0f%%", $3, tot[$1] ? 100 * $4 / tot[$1] : 0)
		  if ($4 + 0 > b1[$1] + 0) { b2[$1] = b1[$1]; s2[$1] = s1[$1]; b1[$1] = $4; s1[$1] = x }
		  else if ($4 + 0 > b2[$1] + 0) { b2[$1] = $4; s2[$1] = x } }
		END { for (i = 1; i <= n; i++) printf "%s%s — %s%s", (i > 1 ? "; " : ""), nm[i], s1[nm[i]], (s2[nm[i]] != "" ? ", " s2[nm[i]] : ""); print "." }' \
		"$work/$1/phases.tsv" "$work/$1/phasereason.tsv"
}

q4() {
	local v=$1 d=$work/$1 vv=${1#cloud-} n never
	n=$(fact "$v" reasons)
	echo "$n reasons occurred over the whole run. By count, the most frequent were"
	echo "$(awk -F'\t' -v t="$(fact "$v" run_exits)" "$commas"'NR <= 4 { printf "%s%s: %s (%.1f%%)", (NR > 1 ? ", " : ""), $3, c($6), 100 * $6 / t } END { print "" }' "$d/reasons.tsv");"
	echo "the least frequent $(sort -t "$(printf '\t')" -k6,6n -k7,7n "$d/reasons.tsv" | awk -F'\t' "$commas"'NR <= 4 { printf "%s%s: %s", (NR > 1 ? ", " : ""), $3, c($6) } END { print "" }')."
	echo "By time (cycles spent handling them), the most expensive in total were"
	echo "$(sort -t "$(printf '\t')" -k7,7nr "$d/reasons.tsv" | awk -F'\t' -v t="$(fact "$v" run_cycles)" 'NR <= 4 { printf "%s%s: %.1f M cycles (%.1f%%)", (NR > 1 ? ", " : ""), $3, $7 / 1e6, 100 * $7 / t } END { print "" }');"
	echo "the least $(sort -t "$(printf '\t')" -k7,7n "$d/reasons.tsv" | awk -F'\t' "$commas"'NR <= 4 { printf "%s%s: %s cycles", (NR > 1 ? ", " : ""), $3, c($7) } END { print "" }')."
	echo "The dearest per exit: $(awk -F'\t' '$6 > 0 { printf "%s\t%.0f\n", $3, $7 / $6 }' "$d/reasons.tsv" | sort -t "$(printf '\t')" -k2,2nr | awk -F'\t' "$commas"'NR <= 3 { printf "%s%s %s cycles/exit", (NR > 1 ? ", " : ""), $1, c($2) } END { print "" }')."
	echo
	echo "| reason | exits, boot | exits, whole run | share | cycles, whole run | share | cycles/exit |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' -v te="$(fact "$v" run_exits)" -v tc="$(fact "$v" run_cycles)" '
		'"$commas"'
		{ printf "| %s | %s | %s | %.1f%% | %s | %.1f%% | %s |\n", $3, c($4), c($6), 100 * $6 / te, c($7), 100 * $7 / tc, c(sprintf("%.0f", $7 / $6)) }' "$d/reasons.tsv"
	echo "| **total** | $(num "$(fact "$v" boot_exits)") | $(num "$(fact "$v" run_exits)") | 100% | $(num "$(fact "$v" run_cycles)") | 100% | $(num "$(awk -v a="$(fact "$v" run_cycles)" -v b="$(fact "$v" run_exits)" 'BEGIN { printf "%.0f", a / b }')") |"
	echo
	echo "![top reasons by count and by cycles, $v](top-$v.png)"
	echo
	defined "$vv" >"$d/defined"
	never=$(awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen)' "$d/reasons.tsv" "$d/defined" | wc -l)
	echo "**Never occurred:** $never of the $(wc -l <"$d/defined") reasons the $([ "$vv" = amd ] && echo "APM" || echo "SDM") defines"
	echo "(the table in kernel/exitstat_core.c; names from Linux's $([ "$vv" = amd ] && echo svm.h || echo vmx.h), \`-\` where it has none):"
	echo
	echo "<details><summary>the $never reasons</summary>"
	echo
	awk -v vendor="$vv" 'NR == FNR { seen[$1] = 1; next }
		!($1 in seen) { r = $1 + 0
			code = vendor == "amd" ? (r >= 2147483648 ? r - 4294967296 : sprintf("0x%03x", r)) : r
			printf "%s%s (%s)", (k++ ? ", " : ""), $2, code }
		END { print "" }' "$d/reasons.tsv" "$d/defined"
	echo
	echo "</details>"
}

# seed_row TEXT INTEL-REASONS AMD-REASONS: exits over the boot and over the
# whole run of a reason (or the sum of several: "a+b", "a-b" for a range).
sum_of() {	# sum_of V REASONS COLUMN(4 boot, 6 run)
	awk -F'\t' -v spec="$2" -v col="$3" '
		BEGIN { n = split(spec, p, "+"); for (i = 1; i <= n; i++) {
			if (split(p[i], ab, "-") == 2) { for (x = ab[1]; x <= ab[2]; x++) want[x] = 1 } else want[p[i]] = 1 } }
		($1 in want) { s += $col } END { printf "%.0f\n", s }' "$work/$1/reasons.tsv"
}
rank_of() {	# rank_of V REASON: its place by count over the whole run
	awk -F'\t' -v r="$2" '$1 == r { print NR " of " n; f = 1 } END { if (!f) print "never" }' \
		n="$(wc -l <"$work/$1/reasons.tsv")" "$work/$1/reasons.tsv"
}
vmxname() { awk -v r="$1" '$1 == r { print $2 }' <(defined intel); }
# seed_row's profiles: the keys "${pre}intel" and "${pre}amd" of $keys.
seed_row() {
	local text=$1 ir=$2 ar=$3 iv av i=${pre}intel a=${pre}amd
	if [[ " $keys " == *" $i "* ]]; then
		iv="$(num "$(sum_of "$i" "$ir" 4)") / $(num "$(sum_of "$i" "$ir" 6)")"
		[[ $ir == *[+-]* ]] || iv="$iv ($(rank_of "$i" "$ir"))"
	else iv="–"; fi
	if [[ " $keys " == *" $a "* ]]; then
		av="$(num "$(sum_of "$a" "$ar" 4)") / $(num "$(sum_of "$a" "$ar" 6)")"
		[[ $ar == *[+-]* ]] || av="$av ($(rank_of "$a" "$ar"))"
	else av="–"; fi
	echo "| $text | $ir $(vmxname "${ir%%[+-]*}")$([[ $ir == *[+-]* ]] && echo " …") | $iv | $ar | $av |"
}

# totals_table KEY...: each profile's boot and whole run in one row.
totals_table() {
	echo "| | full boot: exits | full boot: cycles | whole run: exits | whole run: cycles | L1 time, boot / run (s) | samples |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for v in "$@"; do
		echo "| $v | $(num "$(fact "$v" boot_exits)") | $(num "$(fact "$v" boot_cycles)") | $(num "$(fact "$v" run_exits)") | $(num "$(fact "$v" run_cycles)") | $(fact "$v" boot_t) / $(fact "$v" run_t) | $(fact "$v" samples) |"
	done
}

# sections KEY...: each profile's Q3 and Q4.
sections() {
	for v in "$@"; do
		echo "## $(vtitle "$v")"
		echo
		echo "### Q3: a stable rate, or bursts? How many exits does a full VM boot entail?"
		echo
		q3 "$v"
		echo
		echo "### Q4: the most and the least frequent exits"
		echo
		q4 "$v"
		echo
	done
}

# seed_table: the seed's answers against the profiles "${pre}intel" and
# "${pre}amd" (seed_row) that $keys holds.
seed_table() {
	echo "| the seed says | Intel reason (SDM name) | Intel: boot / run | AMD code(s) | AMD: boot / run |"
	echo "|---|---|---:|---|---:|"
	seed_row "exit 28 ≈ 18,000 over a boot" 28 "0-31+101"
	seed_row "most frequent: 48 (EPT violation)" 48 1024
	seed_row "most frequent: 32 (WRMSR)" 32 124
	seed_row "most frequent: 1 (external interrupt)" 1 96
	seed_row "most frequent: 23, named HLT by the seed" 23 120
	seed_row "(HLT in the SDM)" 12 120
	seed_row "least frequent: 54 (WBINVD)" 54 137
	seed_row "least frequent: 55 (XSETBV)" 55 141
	seed_row "least frequent: 29 (MOV DR)" 29 "32-63"
	seed_row "least frequent: 31, named RDTSC by the seed" 31 124
	seed_row "(RDTSC in the SDM)" 16 110
}

# The Debian cloud guest's profiles (make cloud, lab/run-cloud.sh).
cloud_part() {
	cat <<EOF

## The seed's own kind of guest: a Debian cloud VM on Debian's kernel

The same questions, asked of the guest the seed used: a **Debian bookworm cloud VM** (Debian's cloud kernel, systemd,
cloud-init; lab/cloud-guest.sh) with **2 vCPUs, 1 GiB, a virtio disk and virtio network**, launched by Debian's QEMU
with \`-enable-kvm\` in an **L1 that runs Debian's own kernel** with our modules built against its headers, and set up by
cloud-init from a NoCloud seed: tests/cloud/user-data (the seed's step 7: \`cpuid\` queries, \`exitstat\`, power-off)
plus, as a script cloud-init's final stage runs first, the workload phases above (lab/report-l2.sh; \`/dev/shm\` for
tmpfs). L1 samples the VM's counters every $(for v in $clouds; do printf '%s s (%s) ' "$(sed -n 's/^interval=//p' "$docs/run-$v.txt")" "${v#cloud-}"; done | sed 's/ $//; s/) /), /g')
of its clock. **Full boot** is QEMU's start up to the sample that sees the first phase marker, i.e. **to cloud-init's
final stage**. The guest cannot wait for L1's sample here (cloud-init gives its scripts no console to read), so it
sleeps 1 s after each marker: a phase boundary is exact to one sampling interval, which that second of idle absorbs.
L1's clock is the host's on AMD here too, so there the counts that follow it (timer interrupts and MSR writes, \`vintr\`,
\`hlt\`) grow with the host's load; under Bochs (Intel) L1's clock follows executed instructions.
$(for v in $clouds; do
	[ -f "$docs/run-$v.txt" ] && echo "- $v: L1 $(sed -n 's/^kernel=//p' "$docs/run-$v.txt") (Debian's), $(sed -n 's/^emulator=//p' "$docs/run-$v.txt"); L1's boot, the guest's and the phases took $(sed -n "s/^wall_s=//p" "$docs/run-$v.txt") s of wall time."
done)

EOF
	totals_table $clouds
	echo
	sections $clouds
	echo "## The cloud guest side by side with the seed"
	echo
	echo "As the table above, for the Debian cloud guest: exits over the full boot (to cloud-init's final stage) / over the"
	echo "whole run (rank by count over the whole run)."
	echo
	pre=cloud- keys=$clouds seed_table
}

commit=$(git -C "$TOP" rev-parse --short HEAD)
dirty=$(git -C "$TOP" status --porcelain -- lab/report*.sh lab/report-plots.gp | wc -l)
{
	cat <<EOF
# Boot profile and exit frequencies (the seed's Q3 and Q4)

Generated by \`make report\` (lab/report.sh) from commit \`$commit\`$([ "$dirty" -gt 0 ] && echo " (report scripts modified)") on $(date -u +%Y-%m-%d)
— do not edit by hand; \`REPORT_DOC_ONLY=1 lab/report.sh\` redraws it from the CSVs.
$(for v in $vendors; do
	[ -f "$docs/run-$v.txt" ] && echo "- $v: $(sed -n 's/^kernel=//p' "$docs/run-$v.txt") with the kvm-exitstat patch, $(sed -n 's/^emulator=//p' "$docs/run-$v.txt"); booting L1 and L2 and running the phases took $(sed -n "s/^wall_s=//p" "$docs/run-$v.txt") s of wall time."
done)

## How the numbers were taken

On each emulated vendor, L1 (the patched kernel, 1 GiB) boots an **L2 Linux guest**: the same tinyconfig bzImage with a
busybox initramfs, 96 MiB, one vCPU, no disk, no network, no ACPI, started by Debian's QEMU with \`-enable-kvm\` inside L1
(lab/l2.sh). From QEMU's start L1 reads the L2 VM's per-VM file \`/sys/kernel/debug/kvm/<pid>-<fd>/exitstat\` about
every 0.2 s (AMD) or 0.05 s (Intel: under Bochs L1's clock follows executed instructions, and L2's whole boot is
about half a second of it) of **L1's clock** (lab/report-l1.sh). Once L2's init has a shell, L2 runs five workload phases
(lab/report-l2.sh), announcing each on its console and waiting until L1 has taken a sample, so that every phase starts
and ends on a sample:

- **idle** — \`sleep 3\`; **cpu** — a 20,000-iteration shell loop, arithmetic only;
- **console** — 512 lines of 74 characters (37 KiB) written to the emulated 8250 UART, \`/dev/ttyS0\`;
- **tmpfs** — \`dd\` of 16 MiB into a tmpfs file and back; **fork** — 200 fork + exec of \`/bin/true\`;
- **shutdown** — \`reboot -f\` until QEMU has exited.

"Full boot" is everything up to the sample taken when L2's init announced its shell (the first phase marker).
Under QEMU TCG (AMD) L1's clock is the host's: on a busy host L2 gets less work done per second of it, so the AMD
rates, and the counts that follow the clock (timer interrupts, HLT), vary from run to run; under Bochs (Intel) the
clock follows executed instructions and a run is close to reproducible. L1 has one CPU: the sampler (a busybox shell reading one file per sample) takes a little of the time L2's vCPU would
otherwise get, and its own activity does not show up in L2's counters.
Cycles are L1's TSC cycles from the VM exit until KVM has handled it (time in QEMU's user space, e.g. emulating a UART
register, is not included; see design.md). The timelines are \`timeline-<vendor>.csv\`
(\`time_s,phase,reason,name,exits,cycles\`, cumulative per reason; each sample lists the reasons that changed and the
total). AMD reasons are the APM's exit codes (CSV: decimal; here: hex), Intel's the SDM's basic exit reasons.

EOF
	totals_table $vendors
	echo
	sections $vendors
	cat <<EOF
## Side by side with the seed

The seed's answers came from a Google Cloud VM (nested VT-x on real hardware, an Ubuntu cloud image with a disk,
networking and cloud-init) and screenshots of the host's log; its counters were global, all VMs since kvm was loaded.
Ours are per VM, sampled, and the lab's. Each cell: exits over the full boot / over the whole run (rank by count over the
whole run among the reasons that occurred). AMD has no single CR-access or MOV-DR code: its columns sum the
corresponding codes; its \`msr\` code covers both RDMSR and WRMSR.

EOF
	pre= keys=$vendors seed_table
	cat <<EOF

The seed names 23 "HLT" and 31 "RDTSC"; in the SDM (and in Linux's vmx.h, the names above) 23 is
$(vmxname 23) and 31 is $(vmxname 31), while HLT is 12 and RDTSC 16.

### Why the lab's numbers differ

- **The guest is tiny.** The L2 kernel is a tinyconfig build with an initramfs: no PCI devices, no disk or network
  drivers, no ACPI, no systemd, one vCPU, 96 MiB. The seed's boot probed and drove virtio devices, ran a full
  distribution's init and cloud-init, and touched far more memory: more EPT violations, more MSR writes (timers, per-CPU
  setup on more vCPUs), more interrupts. A boot here is seconds of guest work, not tens of seconds.
- **The CPU is emulated.** L1 runs on QEMU TCG (AMD) or Bochs (Intel), and each offers its own feature set: no APICv or
  AVIC, no TSC scaling, no PAUSE-loop exiting, a CPU model that is not the seed's Xeon. Which exits KVM asks for follows
  from what the CPU offers (e.g. with no APIC virtualization every LAPIC access and EOI exits), so the mix differs.
- **Under Bochs, most external interrupts (Intel reason 1) are L1's own timer.** While L2 runs, L1's local APIC
  timer in high-resolution (one-shot) mode interrupts it far more often than a real host's would, and each interrupt
  that arrives while L2 runs is an exit of reason 1. Measured with \`make demo VENDOR=intel\`: 19,497 of its 47,663
  exits (40.9%) were reason 1; with L1 booted \`highres=off\` (\`LAB_APPEND=highres=off\`, a periodic tick) 2,313 of
  30,846 (7.5%), the other reasons within 2%. Why Bochs' timer fires that often is not known; the Intel
  profiles keep L1's default timers. On AMD, L1 runs with a periodic tick anyway (lab/boot.sh says why).
- **Nested, under an emulator.** L2's exits are L1's KVM handling a nested guest on an emulated SVM/VMX, so their
  cycles are L1's TSC: on Bochs that TSC advances with executed instructions (deterministic, but not a real CPU's
  cost), on QEMU TCG it is the host's TSC and includes TCG's translation work. Compare cycle shares within one vendor,
  not absolute cycles across vendors or with real hardware.
- **The console is a UART.** With \`console=ttyS0\` every byte L2 prints is a few port-I/O exits; the seed's VM
  (probably) logged to a virtio or VGA console. SeaBIOS and the \`-kernel\` loader (fw_cfg, port I/O) are also in our boot.
- **The count is per VM and from QEMU's start**, not global since kvm was loaded: no other VM, no earlier boot.
- **The seed's boot number is one reason (28) read off screenshots**; we give every reason and the total.
EOF
	[ -z "$clouds" ] || cloud_part
} >"$docs/README.md"
echo "report-doc: $docs/README.md, $(ls "$docs"/*.png | wc -l) PNG, $(ls "$docs"/*.svg | wc -l) SVG"
