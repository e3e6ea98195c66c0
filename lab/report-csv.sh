#!/usr/bin/env bash
# L1's serial log of a `make report` run (lab/report-l1.sh) -> the timeline
# CSV on stdout: time_s,phase,reason,name,exits,cycles.  time_s is L1's clock
# since QEMU was started; exits and cycles are cumulative per reason.  Each
# sample has a row for every reason that changed since the previous sample
# and always one for the total (reason "total"), so every sample time shows.
# usage: lab/report-csv.sh SERIAL-LOG
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 SERIAL-LOG" >&2; exit 2; }
log=$1
up0=$(tr -d '\r' <"$log" | sed -n 's/^REPORT-META up0=\([0-9.]*\) .*/\1/p')
[ -n "$up0" ] || { echo "report-csv: $log: no REPORT-META up0 line" >&2; exit 1; }
# Only the base64 lines: another process's whole lines on the same console
# (the cloud guest's, forwarded by L1) may come between them.
tr -d '\r' <"$log" | sed -n '/^REPORT-DATA-BEGIN$/,/^REPORT-DATA-END$/p' | sed '1d;$d' |
	grep -a '^[A-Za-z0-9+/=]*$' | base64 -d | gunzip |
	awk -v up0="$up0" '
	BEGIN { print "time_s,phase,reason,name,exits,cycles"; tot = "0,0" }
	function flush() {
		if (t == "")
			return
		for (i = 1; i <= n; i++)
			printf "%s,%s,%s\n", t, phase, row[i]
		printf "%s,%s,total,total,%s\n", t, phase, tot
	}
	$1 == "S" { flush(); t = sprintf("%.2f", $2 - up0); phase = $3; n = 0; next }
	$1 == "total" { tot = $3 "," $4; next }
	NF == 4 { row[++n] = $1 "," $2 "," $3 "," $4; next }
	{ print "report-csv: bad line: " $0 > "/dev/stderr"; bad = 1 }
	END { flush(); exit bad }'
