#!/usr/bin/env bash
# Runs the tree's own checkpatch.pl --strict over the hooks patch and over
# our kernel files as they sit in the tree; any error or warning fails.
set -euo pipefail
. "$(dirname "$0")/env.sh"

# spdxcheck.py, which checkpatch calls, needs Debian's python3-ply and
# python3-git: use Debian's python3 even where another one comes first.
export PATH=/usr/bin:$PATH
cd "$KTREE"
files=(arch/x86/include/uapi/asm/kvm_exitstat.h arch/x86/include/asm/kvm_exitstat_vcpu.h)
for f in "$TOP"/kernel/exitstat*.[ch]; do
	files+=("arch/x86/kvm/$(basename "$f")")
done
scripts/checkpatch.pl --strict --quiet "$TOP/kernel/linux-$KVER/hooks.patch"
scripts/checkpatch.pl --strict --quiet --file "${files[@]}"
echo "checkpatch --strict: hooks.patch and ${#files[@]} files clean"
