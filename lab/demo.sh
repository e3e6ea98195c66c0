#!/usr/bin/env bash
# `make demo`: build the patched kernel, boot the lab, print the exit table
# seen from inside a guest.  VENDOR=amd (default, QEMU TCG, seconds) or
# VENDOR=intel (Bochs, about a minute).
set -euo pipefail
. "$(dirname "$0")/env.sh"
start=$SECONDS
VENDOR=${VENDOR:-amd}

"$TOP/lab/build-kernel.sh"
if [ ! -x "$TOP/lab/demo-guest.sh" ]; then
	echo "kvm-exitstat: the patched kernel is built in $KTREE."
	echo "Booting it in the lab comes with the lab issue; until then see README.md."
	exit 0
fi
"$TOP/lab/demo-guest.sh" "$VENDOR"
echo "kvm-exitstat: demo took $((SECONDS - start)) s"
