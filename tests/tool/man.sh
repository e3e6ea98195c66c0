#!/usr/bin/env bash
# Every man page of ours renders without a warning: groff -man -ww -z, all
# warnings on, output discarded; anything groff says is a failure.  A page
# with an unknown macro is run first, so that a groff that stopped saying
# warnings would fail here rather than pass every page.
# usage: tests/tool/man.sh      (last line: N passed, N failed)
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
warnings() { groff -man -ww -z "$1" 2>&1; }

bad=$(mktemp --suffix=.1)
trap 'rm -f "$bad"' EXIT
printf '.TH BAD 1\n.SH NAME\nbad \\- a page with an unknown macro\n.XX\n' >"$bad"
if [ -n "$(warnings "$bad")" ]; then
	pass=$((pass + 1)) && echo "PASS: groff warns of a page with an unknown macro"
else
	fail=$((fail + 1)) && echo "FAIL: groff -ww said nothing of an unknown macro: the check below would see nothing"
fi
for page in tool/*.1; do
	out=$(warnings "$page")
	if [ -z "$out" ]; then
		pass=$((pass + 1)) && echo "PASS: $page renders without a warning"
	else
		fail=$((fail + 1)) && echo "FAIL: $page: $out"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
