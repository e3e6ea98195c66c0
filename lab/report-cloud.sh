#!/usr/bin/env bash
# Q3/Q4 of the seed, answered from the Debian cloud guest's boot (the serial
# log of lab/run-cloud.sh), beside the seed's own answers:
#   Q3: how exits grow over the boot (total every tenth of it, the
#       rate in between), how many a full boot to cloud-init's final stage
#       takes, and how many of them are CR accesses (the seed's exit 28);
#   Q4: the four most and the four least frequent reasons with exits.
# usage: lab/report-cloud.sh SERIAL-LOG amd|intel
set -euo pipefail
log=${1:?usage: $0 SERIAL-LOG amd|intel} vendor=${2:?usage: $0 SERIAL-LOG amd|intel}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# The profile as make report's CSV: time_s,phase,reason,name,exits,cycles.
"$(dirname "$0")/report-csv.sh" "$log" >"$t/csv"
# Each reason's exits at the boot's last sample, "reason name exits".
awk -F, 'NR > 1 && $2 == "boot" && $3 != "total" { e[$3] = $5; n[$3] = $4 }
	END { for (r in e) print r, n[r], e[r] }' "$t/csv" >"$t/final"
awk -F, '$2 == "boot" && $3 == "total" { print $1, $5 }' "$t/csv" >"$t/total"
final=$(tr -d '\r' <"$log" | sed -n 's/^REPORT-META .*boot_s=\([0-9.]*\).*/\1/p')
[ -s "$t/final" ] && [ -n "$final" ] || { echo "report-cloud: $log holds no cloud-guest profile" >&2; exit 1; }
total=$(awk '{ e += $3 } END { print e }' "$t/final")
# CR accesses: Intel's basic reason 28; AMD's CR read/write intercepts
# (exit codes 0x00-0x1f) and the selective CR0 write (0x65).
if [ "$vendor" = intel ]; then
	cr=$(awk '$1 == 28 { e += $3 } END { print e + 0 }' "$t/final")
	crwhat="reason 28 (CR access)"
else
	cr=$(awk '$1 < 32 || $1 == 101 { e += $3 } END { print e + 0 }' "$t/final")
	crwhat="CR accesses (exit codes 0x00-0x1f and 0x65)"
fi

echo "== Q3/Q4 from the Debian cloud guest ($vendor), boot to cloud-init's final stage: $final s of L1's clock"
echo "Q3. exits of the whole boot: $total; $crwhat: $cr   (seed: exit 28 ~ 18,000 over a boot)"
echo "    total exits every ~tenth of the boot, and exits per second since the line before:"
awk -v step="$(awk -v f="$final" 'BEGIN { print f / 10 }')" 'NR == 1 || $1 - last >= step {
	printf "    %7.2f s %9d  %9.0f/s\n", $1, $2, NR == 1 ? 0 : ($2 - e) / ($1 - last); last = $1; e = $2 }' "$t/total"
echo "Q4. most frequent (exits)                         seed"
sort -k3,3nr "$t/final" | head -n 4 >"$t/most"
printf '%s\n' "48 (EPT violation)" "32 (WRMSR)" "1 (external interrupt)" "HLT" >"$t/seed-most"
# reason name exits | seed's: AMD's exit codes in hex, as the APM writes them.
row() { awk -F'|' -v hex="$([ "$vendor" = amd ] && echo 1 || echo 0)" '{ split($1, f, " ")
	printf "    %-6s %-22s %9s   %s\n", hex ? sprintf("0x%03x", f[1]) : f[1], f[2], f[3], $2 }'; }
paste -d'|' "$t/most" "$t/seed-most" | row
echo "    least frequent, of those with exits              seed"
sort -k3,3n "$t/final" | head -n 4 >"$t/least"
printf '%s\n' "54 (WBINVD)" "55 (XSETBV)" "29 (MOV DR)" "31 (RDTSC)" >"$t/seed-least"
paste -d'|' "$t/least" "$t/seed-least" | row
