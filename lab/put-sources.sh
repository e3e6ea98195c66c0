#!/usr/bin/env bash
# Copies kvm-exitstat's own kernel files into a kernel tree (or the part of
# one that hardware/build-modules.sh builds): kernel/exitstat*.[ch] into
# arch/x86/kvm/, the ABI header into arch/x86/include/uapi/asm/, and the
# header of the counters that struct kvm_vcpu embeds into
# arch/x86/include/asm/.  A file is copied only when it changed, so Kbuild
# recompiles only what did.
# usage: lab/put-sources.sh TREE
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:?usage: $0 TREE}

put() { cmp -s "$1" "$2" || cp "$1" "$2"; }
mkdir -p "$tree/arch/x86/kvm" "$tree/arch/x86/include/uapi/asm" "$tree/arch/x86/include/asm"
for f in "$top"/kernel/exitstat*.[ch]; do
	put "$f" "$tree/arch/x86/kvm/${f##*/}"
done
put "$top/include/uapi/asm/kvm_exitstat.h" "$tree/arch/x86/include/uapi/asm/kvm_exitstat.h"
put "$top/include/asm/kvm_exitstat_vcpu.h" "$tree/arch/x86/include/asm/kvm_exitstat_vcpu.h"
