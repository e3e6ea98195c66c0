# Sourced by the lab's host-side checks (tests/lab/watchdog.sh,
# compiled-out.sh): PASS/FAIL lines and their tally.
pass=0 fail=0
check() {	# check DESCRIPTION COMMAND...
	if "${@:2}"; then
		pass=$((pass + 1)) && echo "PASS: $1"
	else
		fail=$((fail + 1)) && echo "FAIL: $1"
	fi
}
