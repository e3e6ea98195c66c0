# Sourced by the lab's entry points (host side): serial_outcome LOG RC NAME
# prints L1's transcript from /init on (without the kernel's boot messages)
# and the "N passed, N failed" line it ended with, and returns the status to
# exit with: a run that never printed its summary counts as one failure.
serial_outcome() {
	local log=$1 rc=$2 summary
	sed -n '/^Run \/init/,$p' "$log" | tr -d '\r'
	echo "$3; serial log $log"
	summary=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r' || true)
	if [ -z "$summary" ]; then
		summary="0 passed, 1 failed"
		[ "$rc" -ne 0 ] || rc=1
	fi
	echo "$summary"
	return "$rc"
}
