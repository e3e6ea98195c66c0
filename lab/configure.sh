#!/usr/bin/env bash
# The lab's kernel configuration, made in TREE: tinyconfig, then the
# fragment lab/lab.config merged in (design.md section 4), then
# olddefconfig; KVM and both vendor modules must come out as modules, and
# the hooks' CONFIG_KVM_EXITSTAT on.
# One recipe for the lab kernel (lab/build-kernel.sh) and for the series
# that make check only compiles (lab/archive-kernels.sh).
# usage: lab/configure.sh TREE
set -euo pipefail
tree=${1:?usage: $0 TREE}
fragment=$(cd "$(dirname "$0")" && pwd)/lab.config
make -C "$tree" -s tinyconfig >/dev/null
(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null)
make -C "$tree" -s olddefconfig
for opt in KVM=m KVM_INTEL=m KVM_AMD=m KVM_EXITSTAT=y; do
	grep -q "^CONFIG_$opt" "$tree/.config" || {
		echo "configure: CONFIG_$opt did not survive olddefconfig in $tree" >&2
		exit 1
	}
done
